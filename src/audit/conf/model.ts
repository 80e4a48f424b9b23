/** @module The loaded form of an Asterisk config file: sections of entries, each entry knowing its file and line. */

/** Where a piece of configuration was written. `file` is relative to the config directory when inside it. */
export interface Provenance {
  file: string;
  line: number;
}

export interface ConfEntry {
  name: string;
  value: string;
  /** written with `=>` */
  object: boolean;
  at: Provenance;
  /** the template this entry was copied from, when it was inherited */
  inheritedFrom?: string;
}

export interface ConfSection {
  name: string;
  at: Provenance;
  isTemplate: boolean;
  inherits: string[];
  entries: ConfEntry[];
}

export interface ConfDiagnostic {
  severity: 'error' | 'warning';
  message: string;
  at: Provenance;
}

/** A `#exec` line: recorded, never run. */
export interface ConfExec {
  command: string;
  at: Provenance;
}

export interface ConfFile {
  /** the top-level file name, e.g. `pjsip.conf` */
  name: string;
  sections: ConfSection[];
  diagnostics: ConfDiagnostic[];
  execs: ConfExec[];
  /** every file read, top-level first, in display form */
  files: string[];
}

/** The last value of `name` in a section (Asterisk modules read the last one for single-valued options). */
export function lastEntry(section: ConfSection, name: string): ConfEntry | undefined {
  const lower = name.toLowerCase();
  for (let i = section.entries.length - 1; i >= 0; i--) {
    const n = section.entries[i]!.name;
    // names are nearly always written in lower case already; compare cheaply first (measured: 5,000-extension bench)
    if (n === lower || (n.length === lower.length && n.toLowerCase() === lower)) return section.entries[i];
  }
  return undefined;
}

export function allEntries(section: ConfSection, name: string): ConfEntry[] {
  const lower = name.toLowerCase();
  return section.entries.filter((e) => e.name.toLowerCase() === lower);
}

export function valueOf(section: ConfSection, name: string): string | undefined {
  return lastEntry(section, name)?.value;
}

/** Sections that Asterisk modules would see: templates are skipped, as ast_category_browse does. */
export function concreteSections(file: ConfFile | undefined): ConfSection[] {
  return file === undefined ? [] : file.sections.filter((s) => !s.isTemplate);
}

/** The section a module reads by name (`[general]`, `[options]`): the first concrete one, the name compared case-insensitively. */
export function firstSection(file: ConfFile | undefined, name: string): ConfSection | undefined {
  const lower = name.toLowerCase();
  return concreteSections(file).find((s) => s.name.toLowerCase() === lower);
}

/** Asterisk's ast_true(): the only words its modules take as on. Anything else (`enabled`, a typo) is off. */
export function isTrue(value: string | undefined): boolean {
  return value !== undefined && /^(yes|true|y|t|1|on)$/i.test(value);
}

/** The last `key` of `section` when it is switched on (ast_true), quoted as evidence. */
export function switchedOn(section: ConfSection | undefined, key: string): { at: Provenance; evidence: string } | undefined {
  const e = section && lastEntry(section, key);
  return e && isTrue(e.value) ? { at: e.at, evidence: `${key} = ${e.value}` } : undefined;
}

/** Asterisk's ast_false(), for the options that test for off explicitly (requirecalltoken). */
export function isFalse(value: string | undefined): boolean {
  return value !== undefined && /^(no|false|n|f|0|off)$/i.test(value);
}
