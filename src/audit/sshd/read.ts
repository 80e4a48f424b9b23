/**
 * @module Reads sshd_config with its Include files into a flat list of keyword lines, each with file:line and the
 * Match block it sits in. Syntax comes from the ssh-config package; sshd's meaning (first value wins, Match) is ours.
 */
import { posix } from 'node:path';
import SSHConfig from 'ssh-config';
import type { Directive, Line } from 'ssh-config';
import type { Provenance } from '../conf/model.js';
import type { ConfSource } from '../conf/source.js';
import { hasWildcard } from '../conf/source.js';

export interface SshdLine {
  keyword: string;
  /** lower-cased keyword, for lookups (sshd keywords are case-insensitive) */
  key: string;
  value: string;
  at: Provenance;
  /** the Match criteria in force, undefined for global lines */
  match?: string;
}

export interface SshdConfig {
  lines: SshdLine[];
  files: string[];
  problems: { message: string; at: Provenance }[];
}

const MAX_DEPTH = 16;

function valueText(v: Directive['value']): string {
  return typeof v === 'string' ? v : v.map((x) => x.val).join(' ');
}

function newlines(s: string | undefined): number {
  let n = 0;
  for (const c of s ?? '') if (c === '\n') n++;
  return n;
}

/** sshd resolves relative Include paths against /etc/ssh, i.e. the directory of the main file. */
function resolveInclude(baseDir: string, pattern: string): string {
  return posix.isAbsolute(pattern) ? pattern : posix.join(baseDir, pattern);
}

export function readSshd(source: ConfSource, path: string): SshdConfig {
  const out: SshdConfig = { lines: [], files: [], problems: [] };
  const baseDir = posix.dirname(path);
  const visit = (file: string, depth: number, match: string | undefined, stack: string[]): void => {
    let text: string | undefined;
    try {
      text = source.read(file);
    } catch (e) {
      if (depth === 0) throw e;
      out.problems.push({ message: `cannot read included file: ${(e as Error).message}`, at: { file, line: 0 } });
      return;
    }
    if (text === undefined) return;
    if (stack.includes(file) || depth > MAX_DEPTH) {
      out.problems.push({ message: `Include loop or nesting deeper than ${MAX_DEPTH} at ${file}`, at: { file, line: 0 } });
      return;
    }
    out.files.push(file);
    let parsed: Line[];
    try {
      parsed = [...SSHConfig.parse(text)];
    } catch (e) {
      out.problems.push({ message: `cannot parse: ${(e as Error).message}`, at: { file, line: 0 } });
      return;
    }
    let lineNo = 1;
    let currentMatch = match;
    const walk = (nodes: Line[]): void => {
      for (const node of nodes) {
        lineNo += newlines(node.before);
        const at = { file, line: lineNo };
        if (node.type === SSHConfig.DIRECTIVE) {
          const value = valueText(node.value).trim();
          const key = node.param.toLowerCase();
          if (key === 'match' || key === 'host') {
            currentMatch = value;
            lineNo += newlines(node.after);
            if ('config' in node) walk([...(node.config as Iterable<Line>)]);
            continue;
          }
          if (key === 'include') {
            lineNo += newlines(node.after);
            const saved = lineNo;
            for (const pattern of value.split(/\s+/)) {
              const target = resolveInclude(baseDir, pattern);
              for (const f of hasWildcard(target) ? source.glob(target) : [target]) visit(f, depth + 1, currentMatch, [...stack, file]);
            }
            lineNo = saved;
            continue;
          }
          const line: SshdLine = { keyword: node.param, key, value, at };
          if (currentMatch !== undefined) line.match = currentMatch;
          out.lines.push(line);
        }
        lineNo += newlines(node.after);
      }
    };
    walk(parsed);
  };
  visit(path, 0, undefined, []);
  return out;
}
