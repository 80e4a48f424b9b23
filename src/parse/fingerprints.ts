/** @module Known scanner fingerprints (SIPVicious, sipcli, …) looked up in User-Agent and From text. */
import type { FingerprintDef } from './rules/schema.js';

interface Needles {
  /** one case-insensitive alternation: a single scan of the text per event */
  re: RegExp;
  idByNeedle: Map<string, string>;
}

function compile(pairs: Array<[string, string]>): Needles | undefined {
  if (pairs.length === 0) return undefined;
  const escape = (s: string) => s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
  return {
    re: new RegExp(pairs.map(([n]) => escape(n)).join('|'), 'i'),
    idByNeedle: new Map(pairs.map(([n, id]) => [n.toLowerCase(), id])),
  };
}

export class Fingerprinter {
  private readonly ua: Needles | undefined;
  private readonly from: Needles | undefined;

  constructor(defs: readonly FingerprintDef[]) {
    this.ua = compile(defs.flatMap((d) => (d.userAgent ?? []).map((s): [string, string] => [s, d.id])));
    this.from = compile(defs.flatMap((d) => (d.from ?? []).map((s): [string, string] => [s, d.id])));
  }

  /** id of the first fingerprint found, or undefined */
  identify(userAgent: string | undefined, from: string | undefined): string | undefined {
    return find(this.ua, userAgent) ?? find(this.from, from);
  }
}

function find(n: Needles | undefined, text: string | undefined): string | undefined {
  if (n === undefined || text === undefined) return undefined;
  const m = n.re.exec(text);
  return m === null ? undefined : n.idByNeedle.get(m[0].toLowerCase());
}
