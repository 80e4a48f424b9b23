/**
 * @module Colour for the text reports: only when asked for, on a terminal that wants it (`hasColors`
 * follows NO_COLOR, FORCE_COLOR and TERM=dumb) or anywhere with FORCE_COLOR, and on a Node with
 * `util.styleText` (20.12 and later; engines allows 20.11, where reports are simply uncoloured).
 */
import * as util from 'node:util';

export type Style = Parameters<typeof util.styleText>[0];
export type Paint = (style: Style, text: string) => string;

/** Whether text written to `stream` should be coloured (`asked`: no `--no-color`); FORCE_COLOR colours a pipe too. */
export function wantsColour(stream: NodeJS.WriteStream, asked = true): boolean {
  if (!asked) return false;
  if (stream.isTTY === true) return stream.hasColors();
  const force = process.env.FORCE_COLOR;
  return force !== undefined && force !== '0' && force !== 'false';
}

export function painter(colour: boolean): Paint {
  const can = colour && typeof util.styleText === 'function';
  return (style, text) => (can ? util.styleText(style, text) : text);
}
