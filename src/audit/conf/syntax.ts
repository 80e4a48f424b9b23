/** @module Splits the text of one Asterisk config file into statements, the way Asterisk's config.c reads it. */

/** A `[name](options)` header. `inherits` keeps the order written, which is the order templates apply. */
export interface SectionStatement {
  kind: 'section';
  line: number;
  name: string;
  template: boolean;
  append: boolean;
  /** `(+type=aor)`: append to the first section of that name whose variables match, `&` between several */
  appendFilter?: string;
  inherits: string[];
}

/** `name = value`, `name => value` (object) or `name += value` (appends to the earlier value of that name). */
export interface EntryStatement {
  kind: 'entry';
  line: number;
  name: string;
  value: string;
  object: boolean;
  appendValue: boolean;
}

export type DirectiveName = 'include' | 'tryinclude' | 'exec' | 'tryexec';

export interface DirectiveStatement {
  kind: 'directive';
  line: number;
  directive: DirectiveName;
  argument: string;
}

/** Severity follows Asterisk: `error` makes Asterisk reject the file, `warning` is logged and skipped. */
export interface ProblemStatement {
  kind: 'problem';
  line: number;
  severity: 'error' | 'warning';
  message: string;
}

export type Statement = SectionStatement | EntryStatement | DirectiveStatement | ProblemStatement;

/** Lines longer than this are cut: Asterisk reads through a fixed buffer too, and it bounds our work. */
export const MAX_LINE_CHARS = 8192;

const DIRECTIVES: ReadonlySet<string> = new Set(['include', 'tryinclude', 'exec', 'tryexec']);

/**
 * Removes comments from one physical line. `;` starts a comment unless written `\;` (which becomes `;`);
 * `;--` opens a block comment that `--;` closes, and block comments nest, as in Asterisk.
 * Returns the kept text and the nesting depth to carry into the next line.
 */
export function stripComments(line: string, depth: number): { text: string; depth: number } {
  let out = '';
  let nest = depth;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (nest > 0) {
      if (c === ';' && line.startsWith('--', i + 1) && line[i + 3] !== '-') {
        nest++;
        i += 2;
      } else if (c === '-' && line.startsWith('-;', i + 1)) {
        nest--;
        i += 2;
      }
      continue;
    }
    if (c === '\\' && line[i + 1] === ';') {
      out += ';';
      i++;
      continue;
    }
    if (c === ';') {
      if (line.startsWith('--', i + 1) && line[i + 3] !== '-') {
        nest++;
        i += 2;
        continue;
      }
      break;
    }
    out += c;
  }
  return { text: out, depth: nest };
}

function parseSection(text: string, line: number): Statement {
  const close = text.indexOf(']');
  if (close < 0) return { kind: 'problem', line, severity: 'error', message: "no closing ']' in section header" };
  const name = text.slice(1, close).trim();
  const section: SectionStatement = { kind: 'section', line, name, template: false, append: false, inherits: [] };
  if (text[close + 1] !== '(') return section;
  const end = text.indexOf(')', close + 2);
  if (end < 0) return { kind: 'problem', line, severity: 'error', message: `no closing ')' after section '${name}'` };
  for (const raw of text.slice(close + 2, end).split(',')) {
    const opt = raw.trim();
    if (opt === '!') section.template = true;
    else if (opt.startsWith('+')) {
      section.append = true;
      if (opt.length > 1) section.appendFilter = opt.slice(1);
    }
    else if (opt !== '') section.inherits.push(opt);
  }
  return section;
}

function parseDirective(text: string, line: number): Statement {
  const m = /^#\s*([A-Za-z]+)\s*(.*)$/.exec(text);
  const word = m?.[1]?.toLowerCase() ?? '';
  if (!DIRECTIVES.has(word)) return { kind: 'problem', line, severity: 'warning', message: `unknown directive '${text.slice(0, 40)}'` };
  let arg = (m?.[2] ?? '').trim();
  // Asterisk accepts "file", <file> and a bare name
  if (arg.length >= 2 && ((arg.startsWith('"') && arg.endsWith('"')) || (arg.startsWith('<') && arg.endsWith('>')))) arg = arg.slice(1, -1).trim();
  if (arg === '') return { kind: 'problem', line, severity: 'warning', message: `directive #${word} needs an argument` };
  return { kind: 'directive', line, directive: word as DirectiveName, argument: arg };
}

function parseEntry(text: string, line: number): Statement {
  const eq = text.indexOf('=');
  if (eq < 0) return { kind: 'problem', line, severity: 'warning', message: "no '=' in line" };
  let name = text.slice(0, eq);
  let rest = text.slice(eq + 1);
  let object = false;
  if (rest.startsWith('>')) {
    object = true;
    rest = rest.slice(1);
  }
  let appendValue = false;
  if (name.endsWith('+')) {
    appendValue = true;
    name = name.slice(0, -1);
  }
  return { kind: 'entry', line, name: name.trim(), value: rest.trim(), object, appendValue };
}

/** Parses one file's text. Never throws: anything Asterisk would complain about becomes a `problem`. */
export function parseConfText(text: string): Statement[] {
  const out: Statement[] = [];
  let depth = 0;
  let lineNo = 0;
  for (const physical of text.split(/\r\n|\n|\r/)) {
    lineNo++;
    const raw = physical.length > MAX_LINE_CHARS ? physical.slice(0, MAX_LINE_CHARS) : physical;
    if (raw.length < physical.length) out.push({ kind: 'problem', line: lineNo, severity: 'warning', message: `line longer than ${MAX_LINE_CHARS} characters was cut` });
    const stripped = stripComments(raw, depth);
    depth = stripped.depth;
    const t = stripped.text.trim();
    if (t === '') continue;
    if (t.startsWith('[')) out.push(parseSection(t, lineNo));
    else if (t.startsWith('#')) out.push(parseDirective(t, lineNo));
    else out.push(parseEntry(t, lineNo));
  }
  if (depth > 0) out.push({ kind: 'problem', line: lineNo, severity: 'warning', message: 'block comment ;-- is never closed' });
  return out;
}
