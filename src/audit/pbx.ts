/** @module Loads the Asterisk config files the audit reads from one directory, FreePBX layout included. */
import type { ConfSource } from './conf/source.js';
import { loadConf } from './conf/load.js';
import type { ConfFile } from './conf/model.js';

/**
 * The top-level files read. FreePBX's generated files (`pjsip.endpoint.conf`, `sip_additional.conf`,
 * `extensions_additional.conf`, `*_custom.conf`, …) are reached through the #includes of these, as in Asterisk.
 */
export const PBX_FILES = [
  'asterisk.conf',
  'modules.conf',
  'acl.conf',
  'logger.conf',
  'pjsip.conf',
  'pjsip_wizard.conf',
  'sip.conf',
  'iax.conf',
  'manager.conf',
  'http.conf',
  'ari.conf',
  'extensions.conf',
  'voicemail.conf',
  'rtp.conf',
] as const;
export type PbxFileName = (typeof PBX_FILES)[number];

export interface PbxConfig {
  dir: string;
  files: Partial<Record<PbxFileName, ConfFile>>;
}

export function loadPbx(source: ConfSource, dir: string): PbxConfig {
  const files: PbxConfig['files'] = {};
  for (const name of PBX_FILES) {
    const conf = loadConf(source, dir, name);
    if (conf) files[name] = conf;
  }
  return { dir, files };
}

/** Every file read, through includes, in display form. */
export function filesRead(pbx: PbxConfig): string[] {
  return [...new Set(Object.values(pbx.files).flatMap((f) => f.files))];
}

/** True when modules.conf says `noload => MODULE`: its config file is then not a live risk. */
export function moduleDisabled(pbx: PbxConfig, module: string): boolean {
  const modules = pbx.files['modules.conf'];
  if (!modules) return false;
  return modules.sections.some((s) => s.entries.some((e) => e.name.toLowerCase() === 'noload' && e.value.trim() === module));
}
