/** @module Loads the rule pack (rules/**\/*.yaml) and the scanner fingerprints, compiling each rule once. */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, readYamlAs } from '../../core/yaml-file.js';
import { Fingerprinter } from '../fingerprints.js';
import { RulePack } from '../matcher.js';
import { compileRule, type CompiledRule } from './compile.js';
import { FingerprintFileSchema, RuleFileSchema } from './schema.js';

/** The rule pack shipped with pbxguard (same relative place from src/ and dist/). */
export const BUNDLED_RULES_DIR = fileURLToPath(new URL('../../../rules', import.meta.url));
const FINGERPRINTS_FILE = 'fingerprints.yaml';

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile() && /\.ya?ml$/.test(e.name)) out.push(join(e.parentPath, e.name));
  }
  return out.sort();
}

export function loadRules(dir: string = BUNDLED_RULES_DIR): CompiledRule[] {
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
  } catch (e) {
    throw new ConfigError(dir, undefined, `rule directory unusable: ${(e as Error).message}`, { cause: e });
  }
  const rules: CompiledRule[] = [];
  const seen = new Map<string, string>();
  for (const path of yamlFiles(dir)) {
    if (path.endsWith(FINGERPRINTS_FILE)) continue;
    const name = relative(process.cwd(), path);
    const parsed = readYamlAs(path, RuleFileSchema);
    for (const def of parsed.rules) {
      const prev = seen.get(def.id);
      if (prev !== undefined) throw new ConfigError(name, undefined, `rule id ${def.id} already defined in ${prev}`);
      seen.set(def.id, name);
      try {
        rules.push(compileRule(def, name));
      } catch (e) {
        throw new ConfigError(name, undefined, (e as Error).message, { cause: e });
      }
    }
  }
  if (rules.length === 0) throw new ConfigError(dir, undefined, 'no rules found');
  return rules;
}

export function loadFingerprints(dir: string = BUNDLED_RULES_DIR): Fingerprinter {
  return new Fingerprinter(readYamlAs(join(dir, FINGERPRINTS_FILE), FingerprintFileSchema).fingerprints);
}

export function loadRulePack(dir: string = BUNDLED_RULES_DIR): RulePack {
  return new RulePack(loadRules(dir), loadFingerprints(dir));
}
