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

export function sectionsNamed(file: ConfFile | undefined, name: string): ConfSection[] {
  return concreteSections(file).filter((s) => s.name.toLowerCase() === name.toLowerCase());
}
