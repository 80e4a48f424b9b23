/** @module The dialplan of extensions.conf as contexts of extensions and priorities, with includes and globals. */
import type { ConfFile, Provenance } from '../conf/model.js';
import type { ExtenPattern } from './pattern.js';
import { comparePatterns, parsePattern } from './pattern.js';

export interface Priority {
  /** numeric priority; `n` is resolved to the previous one plus one */
  number: number;
  label?: string;
  app: string;
  /** the application's argument text as written, before variable substitution */
  args: string;
  at: Provenance;
}

export interface Extension {
  pattern: ExtenPattern;
  priorities: Priority[];
}

export interface Context {
  name: string;
  at: Provenance;
  /** sorted in the order Asterisk picks a match */
  extensions: Extension[];
  /** literal names, looked up before any pattern (as Asterisk does) without scanning thousands of extensions */
  literals: Map<string, Extension>;
  /** patterns only, in match order */
  patterns: Extension[];
  includes: { name: string; at: Provenance }[];
}

export interface Dialplan {
  contexts: Map<string, Context>;
  globals: Map<string, string>;
}

/** Splits `App(args)`, `App,args` (the old form) or a bare `App`. */
export function splitApp(text: string): { app: string; args: string } {
  const t = text.trim();
  const paren = t.indexOf('(');
  const comma = t.indexOf(',');
  if (paren >= 0 && (comma < 0 || paren < comma)) {
    const close = t.lastIndexOf(')');
    return { app: t.slice(0, paren).trim(), args: close > paren ? t.slice(paren + 1, close) : t.slice(paren + 1) };
  }
  if (comma >= 0) return { app: t.slice(0, comma).trim(), args: t.slice(comma + 1) };
  return { app: t, args: '' };
}

interface Builder {
  ctx: Context;
  byName: Map<string, Extension>;
  lastExten?: Extension;
}

function addPriority(b: Builder, extenText: string | undefined, priText: string, appText: string, at: Provenance): void {
  const name = (extenText ?? '').split('/')[0]!.trim(); // `/callerid` matching is not modelled
  let ext = extenText === undefined ? b.lastExten : b.byName.get(name);
  if (!ext) {
    if (extenText === undefined) return; // `same =>` with no extension before it: Asterisk ignores it too
    ext = { pattern: parsePattern(name), priorities: [] };
    b.byName.set(name, ext);
    b.ctx.extensions.push(ext);
  }
  b.lastExten = ext;
  const m = /^\s*([^()\s]*)\s*(?:\(([^)]*)\))?\s*$/.exec(priText);
  const p = (m?.[1] ?? '').toLowerCase();
  if (p === 'hint') return;
  const prev = ext.priorities.at(-1)?.number ?? 0;
  let number: number;
  if (p === 'n') number = prev + 1;
  else if (/^n\+\d+$/.test(p)) number = prev + Number(p.slice(2));
  else if (/^\d+$/.test(p)) number = Number(p);
  else if (p === 's') number = prev; // `s` = same as previous
  else return;
  const { app, args } = splitApp(appText);
  const prio: Priority = { number, app, args, at };
  if (m?.[2]) prio.label = m[2].trim();
  ext.priorities.push(prio);
}

/** Builds the dialplan; contexts written several times (FreePBX's `*_custom.conf`) are merged as Asterisk does. */
export function buildDialplan(file: ConfFile | undefined): Dialplan {
  const contexts = new Map<string, Context>();
  const globals = new Map<string, string>();
  const builders = new Map<string, Builder>();
  for (const section of file?.sections ?? []) {
    const lower = section.name.toLowerCase();
    if (lower === 'general' || section.name === '') continue;
    if (lower === 'globals') {
      for (const e of section.entries) globals.set(e.name, e.value);
      continue;
    }
    if (section.isTemplate) continue;
    let b = builders.get(section.name);
    if (!b) {
      b = { ctx: { name: section.name, at: section.at, extensions: [], includes: [], literals: new Map(), patterns: [] }, byName: new Map() };
      builders.set(section.name, b);
      contexts.set(section.name, b.ctx);
    }
    for (const e of section.entries) {
      const key = e.name.toLowerCase();
      if (key === 'include') b.ctx.includes.push({ name: e.value.split(',')[0]!.trim(), at: e.at });
      else if (key === 'exten' || key === 'same') {
        const parts = e.value.split(',');
        if (key === 'exten') {
          if (parts.length < 3) continue;
          addPriority(b, parts[0], parts[1]!, parts.slice(2).join(','), e.at);
        } else {
          if (parts.length < 2) continue;
          addPriority(b, undefined, parts[0]!, parts.slice(1).join(','), e.at);
        }
      }
    }
  }
  for (const ctx of contexts.values()) {
    ctx.extensions.sort((a, b) => comparePatterns(a.pattern, b.pattern));
    for (const ext of ctx.extensions) {
      ext.priorities.sort((a, b) => a.number - b.number);
      if (ext.pattern.isPattern) ctx.patterns.push(ext);
      else ctx.literals.set(ext.pattern.text, ext);
    }
  }
  return { contexts, globals };
}
