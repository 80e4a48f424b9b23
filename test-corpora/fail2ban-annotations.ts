/**
 * @module Reads fail2ban's annotated test logs (`# failJSON:` before each line under test,
 * `# filterOptions:` switching modes) into cases. See ../shared/corpora/README.md.
 */
import { readFileSync } from 'node:fs';

export interface FilterOptions {
  mode?: string;
  logtype?: string;
  'test.prefix-line'?: string;
  [k: string]: unknown;
}

export interface AnnotatedLine {
  /** 1-based line number of the log line in the corpus file */
  lineNo: number;
  text: string;
  match: boolean;
  host?: string;
  user?: string;
  constraint?: string;
  desc?: string;
  /** the option sets in force for this line (each line is tested once per set) */
  options: FilterOptions[];
}

/** fail2ban writes JSON loosely (single quotes never, but trailing text after `}` sometimes). */
function parseJsonObject(text: string, where: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${where}: bad annotation ${text}`, { cause: e });
  }
}

export function readAnnotated(file: string): AnnotatedLine[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const out: AnnotatedLine[] = [];
  let options: FilterOptions[] = [{}];
  let fileOptions: FilterOptions = {};
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const fo = /^# fileOptions: (.*)$/.exec(l);
    if (fo) {
      fileOptions = parseJsonObject(fo[1]!, `${file}:${i + 1}`);
      options = [{ ...fileOptions }];
      continue;
    }
    const opt = /^# filterOptions: (.*)$/.exec(l);
    if (opt) {
      const v = JSON.parse(opt[1]!) as FilterOptions | FilterOptions[];
      options = (Array.isArray(v) ? v : [v]).map((o) => ({ ...fileOptions, ...o }));
      continue;
    }
    const fj = /^# failJSON: (.*)$/.exec(l);
    if (!fj) continue;
    const ann = parseJsonObject(fj[1]!, `${file}:${i + 1}`);
    const next = lines[i + 1];
    if (next === undefined) break;
    const c: AnnotatedLine = { lineNo: i + 2, text: next, match: ann.match === true, options };
    // a few annotations name the address as `ip4`/`ip6` instead of `host`
    const host = [ann.host, ann.ip4, ann.ip6].find((h) => typeof h === 'string');
    if (typeof host === 'string') c.host = host;
    if (typeof ann.user === 'string') c.user = ann.user;
    if (typeof ann.constraint === 'string') c.constraint = ann.constraint;
    if (typeof ann.desc === 'string') c.desc = ann.desc;
    out.push(c);
    i++;
  }
  return out;
}
