/** @module Loads one Asterisk config file with its includes, templates and appends, keeping file:line for every value. */
import { posix } from 'node:path';
import type { ConfSource } from './source.js';
import { ConfReadError, hasWildcard } from './source.js';
import { parseConfText } from './syntax.js';
import type { ConfDiagnostic, ConfEntry, ConfFile, ConfSection, Provenance } from './model.js';

/** Bounds, so a hostile or broken tree cannot make the loader run away. */
export const MAX_INCLUDE_DEPTH = 32;
export const MAX_FILES = 20_000;

interface LoadState {
  source: ConfSource;
  configDir: string;
  result: ConfFile;
  current: ConfSection | undefined;
  stack: string[];
  /** every section by lower-cased name, in order: Asterisk looks names up case-insensitively and takes the first */
  byName: Map<string, ConfSection[]>;
}

/** The form of a path shown to the user: relative to the config directory when inside it. */
export function displayPath(configDir: string, abs: string): string {
  const rel = posix.relative(configDir, abs);
  return rel !== '' && !rel.startsWith('..') ? rel : abs;
}

function resolveInclude(configDir: string, arg: string): string {
  // Asterisk resolves relative includes against the config directory, not against the including file
  return posix.isAbsolute(arg) ? posix.normalize(arg) : posix.join(configDir, arg);
}

function diag(state: LoadState, severity: ConfDiagnostic['severity'], message: string, at: Provenance): void {
  state.result.diagnostics.push({ severity, message, at });
}

function readInto(state: LoadState, abs: string, includedAt: Provenance | undefined, optional: boolean): void {
  const shown = displayPath(state.configDir, abs);
  if (state.stack.includes(abs)) {
    diag(state, 'error', `include cycle: ${[...state.stack, abs].map((p) => displayPath(state.configDir, p)).join(' -> ')}`, includedAt ?? { file: shown, line: 0 });
    return;
  }
  if (state.stack.length >= MAX_INCLUDE_DEPTH || state.result.files.length >= MAX_FILES) {
    diag(state, 'error', `includes nested deeper than ${MAX_INCLUDE_DEPTH} or more than ${MAX_FILES} files`, includedAt ?? { file: shown, line: 0 });
    return;
  }
  let text: string | undefined;
  try {
    text = state.source.read(abs);
  } catch (e) {
    // an unreadable top-level file fails the audit; an unreadable include is reported where it is included
    if (!includedAt || !(e instanceof ConfReadError)) throw e;
    diag(state, 'error', `cannot read included file: ${e.message}`, includedAt);
    return;
  }
  if (text === undefined) {
    if (!optional && includedAt) diag(state, 'error', `#include of missing file ${shown}`, includedAt);
    return;
  }
  state.result.files.push(shown);
  state.stack.push(abs);
  for (const st of parseConfText(text)) {
    const at = { file: shown, line: st.line };
    switch (st.kind) {
      case 'problem':
        diag(state, st.severity, st.message, at);
        break;
      case 'section':
        openSection(state, st.name, st.template, st.append, st.appendFilter, st.inherits, at);
        break;
      case 'entry':
        addEntry(state, st.name, st.value, st.object, st.appendValue, at);
        break;
      case 'directive':
        if (st.directive === 'exec' || st.directive === 'tryexec') {
          state.result.execs.push({ command: st.argument, at });
          diag(state, 'warning', `#${st.directive} ${st.argument} was not run`, at);
          break;
        }
        includeFiles(state, st.argument, st.directive === 'tryinclude', at);
        break;
    }
  }
  state.stack.pop();
}

function includeFiles(state: LoadState, arg: string, optional: boolean, at: Provenance): void {
  const target = resolveInclude(state.configDir, arg);
  const matches = hasWildcard(target) ? state.source.glob(target) : [target];
  if (matches.length === 0) {
    if (!optional) diag(state, 'warning', `#include ${arg} matched no file`, at);
    return;
  }
  for (const m of matches) readInto(state, m, at, optional);
}

function matchesFilter(section: ConfSection, filter: string | undefined): boolean {
  if (filter === undefined) return true;
  return filter.split('&').every((cond) => {
    const [name = '', value = ''] = cond.split('=');
    return section.entries.some((e) => e.name.toLowerCase() === name.trim().toLowerCase() && e.value === value.trim());
  });
}

function firstNamed(state: LoadState, name: string, filter?: string): ConfSection | undefined {
  return state.byName.get(name.toLowerCase())?.find((s) => matchesFilter(s, filter));
}

function openSection(state: LoadState, name: string, template: boolean, append: boolean, filter: string | undefined, inherits: string[], at: Provenance): void {
  if (append) {
    const existing = firstNamed(state, name, filter);
    if (existing) {
      state.current = existing;
      return;
    }
    diag(state, 'error', `section [${name}](+${filter ?? ''}) appends to a section that does not exist`, at);
  }
  const section: ConfSection = { name, at, isTemplate: template, inherits, entries: [] };
  for (const parent of inherits) {
    const tpl = firstNamed(state, parent);
    if (!tpl) {
      diag(state, 'error', `section [${name}] inherits from '${parent}', which is not defined above it`, at);
      continue;
    }
    // templates apply left to right; an entry keeps the line where the template wrote it
    for (const e of tpl.entries) section.entries.push({ ...e, inheritedFrom: e.inheritedFrom ?? parent });
  }
  state.result.sections.push(section);
  const key = name.toLowerCase();
  const list = state.byName.get(key);
  if (list) list.push(section);
  else state.byName.set(key, [section]);
  state.current = section;
}

function addEntry(state: LoadState, name: string, value: string, object: boolean, appendValue: boolean, at: Provenance): void {
  let section = state.current;
  if (!section) {
    // Asterisk rejects such a file, but files read by other tools (ast_debug_tools.conf, dbsep.conf) look like this;
    // keep the values in an unnamed section so nothing is lost, and say so
    diag(state, 'warning', `'${name.slice(0, 40)}' appears before any [section]; Asterisk's config engine would refuse this file`, at);
    section = { name: '', at, isTemplate: false, inherits: [], entries: [] };
    state.result.sections.push(section);
    state.current = section;
  }
  if (appendValue) {
    for (let i = section.entries.length - 1; i >= 0; i--) {
      const prev = section.entries[i]!;
      if (prev.name === name) {
        section.entries[i] = { ...prev, value: prev.value + value, at };
        return;
      }
    }
  }
  const entry: ConfEntry = { name, value, object, at };
  section.entries.push(entry);
}

/**
 * Loads `fileName` from `configDir`. Returns undefined when the top-level file does not exist, and throws
 * ConfReadError when it exists but cannot be read. Never throws on content: problems become diagnostics.
 */
export function loadConf(source: ConfSource, configDir: string, fileName: string): ConfFile | undefined {
  const dir = posix.normalize(configDir);
  const abs = resolveInclude(dir, fileName);
  const state: LoadState = {
    source,
    configDir: dir,
    result: { name: fileName, sections: [], diagnostics: [], execs: [], files: [] },
    current: undefined,
    stack: [],
    byName: new Map(),
  };
  readInto(state, abs, undefined, false);
  return state.result.files.length === 0 ? undefined : state.result;
}
