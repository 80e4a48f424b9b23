/**
 * @module Loads the rule pack (rules/**\/*.yaml or .yml) and the scanner fingerprints (every file
 * named exactly `fingerprints.yaml`), compiling each rule once. Parsing ~150 kB of YAML took ~110 ms,
 * most of a short run's start-up, so the build writes a snapshot of the bundled pack, validated and
 * compiled (compiling took another 20-40 ms of each start, and of each parse worker's). It is used
 * only while its hash of the YAML files still matches, so it can never disagree with them, and
 * only by the code that wrote it (codeId).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../core/config-error.js';
import { Fingerprinter } from '../fingerprints.js';
import { RulePack } from '../matcher.js';
import { compileRule, PatternError, type CompiledRule } from './compile.js';
import type { FingerprintDef, RuleDef } from './schema.js';

/** The rule pack shipped with pbxguard (same relative place from src/ and dist/). */
export const BUNDLED_RULES_DIR = fileURLToPath(new URL('../../../rules', import.meta.url));
/** Written by `npm run build` next to the compiled code (absent when running from src/). */
export const BUNDLED_SNAPSHOT = fileURLToPath(new URL('../../rules-snapshot.bin', import.meta.url));
const FINGERPRINTS_FILE = 'fingerprints.yaml';

interface RuleSource {
  /** path as shown in messages (relative to the working directory) */
  name: string;
  text: string;
}

/** The validated content of a rule directory. */
export interface RuleSet {
  hash: string;
  files: Array<{ name: string; rules: RuleDef[]; lines: RuleLines[] }>;
  fingerprints: FingerprintDef[];
}

/** Where a rule and each of its patterns stand in their file, for errors found when compiling. */
interface RuleLines {
  rule?: number;
  patterns: Array<number | undefined>;
}

/** What a snapshot holds: the rule set and its compiled rules, in V8's serialization (which keeps the regexes). */
interface Snapshot {
  set: RuleSet;
  /** codeId() of the code that wrote it */
  code: string;
  rules: CompiledRule[];
}

/**
 * What a snapshot depends on besides the YAML: the Node version (its serialization format and
 * regex syntax) and the code that validates and compiles rules (the schema and its event names,
 * the compiler, this module), so that code rebuilt without its snapshot (`tsc` alone) never runs
 * on rules older code read.
 */
function codeId(): string {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const h = createHash('sha256').update(process.version);
  for (const module of ['./schema', '../../core/events', './compile', './load']) h.update('\0').update(readFileSync(new URL(module + ext, import.meta.url)));
  return h.digest('hex');
}

/** The snapshot at `path` when it holds the YAML of `hash` and this code wrote it. */
function readSnapshot(path: string, hash: string): Snapshot | undefined {
  try {
    const snap = deserialize(readFileSync(path)) as Partial<Snapshot> | undefined;
    return snap?.set?.hash === hash && Array.isArray(snap.rules) && snap.code === codeId() ? (snap as Snapshot) : undefined;
  } catch {
    // no snapshot, or an unreadable one: parse the YAML
    return undefined;
  }
}

function readSources(dir: string): RuleSource[] {
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
  } catch (e) {
    throw new ConfigError(dir, undefined, `rule directory unusable: ${(e as Error).message}`, { cause: e });
  }
  const paths: string[] = [];
  try {
    walk(dir, paths, new Set());
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(dir, undefined, `rule directory unreadable: ${(e as Error).message}`, { cause: e });
  }
  // named relative to the working directory when below it, else in full (../../x reads badly)
  return paths.sort().map((p) => {
    const rel = relative(process.cwd(), p);
    return { name: rel.startsWith('..') ? p : rel, text: readFileSync(p, 'utf8') };
  });
}

/**
 * The rule files below `dir`, through symbolic links (a pack may link a shared file or folder in),
 * each folder once. Any other file is an error, not skipped: a rule file named `local.rules` or
 * `local.yml.txt` would otherwise be left out without a word. Hidden entries are passed over.
 */
function walk(dir: string, paths: string[], seen: Set<string>): void {
  const real = realpathSync(dir);
  if (seen.has(real)) return;
  seen.add(real);
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.')) continue;
    const path = join(dir, name);
    let st;
    try {
      st = statSync(path);
    } catch (e) {
      // a link to nothing, a file gone meanwhile
      throw new ConfigError(path, undefined, `cannot read: ${(e as Error).message}`, { cause: e });
    }
    if (st.isDirectory()) walk(path, paths, seen);
    else if (/\.ya?ml$/.test(name)) paths.push(path);
    else throw new ConfigError(path, undefined, 'not a rule file: rule files end in .yaml or .yml (hidden files are passed over)');
  }
}

function hashOf(dir: string, sources: RuleSource[]): string {
  const h = createHash('sha256');
  for (const s of sources) h.update(relative(dir, s.name)).update('\0').update(s.text).update('\0');
  return h.digest('hex');
}

/**
 * The rule set of a directory, and its compiled rules when they come from a snapshot. The YAML parser
 * and the schema library are loaded only when there is no snapshot: loading them took longer than
 * a snapshot run's whole start-up.
 */
async function readPack(dir: string, snapshot: string | undefined): Promise<{ set: RuleSet; rules?: CompiledRule[] }> {
  const sources = readSources(dir);
  const hash = hashOf(dir, sources);
  const snap = snapshot !== undefined ? readSnapshot(snapshot, hash) : undefined;
  if (snap !== undefined) return { set: snap.set, rules: snap.rules };
  const [{ parseYamlAs, parseYamlWithLines }, { FingerprintFileSchema, RuleFileSchema }] = await Promise.all([import('../../core/yaml-file.js'), import('./schema.js')]);
  const set: RuleSet = { hash, files: [], fingerprints: [] };
  for (const s of sources) {
    // every fingerprints.yaml of the pack counts (a pack may add one of its own beside the bundled)
    if (basename(s.name) === FINGERPRINTS_FILE) set.fingerprints.push(...parseYamlAs(s.text, s.name, FingerprintFileSchema).fingerprints);
    else {
      const { data, lineOf } = parseYamlWithLines(s.text, s.name, RuleFileSchema);
      const lines = data.rules.map((r, i) => ({ rule: lineOf(['rules', i]), patterns: r.patterns.map((_, j) => lineOf(['rules', i, 'patterns', j])) }));
      set.files.push({ name: s.name, rules: data.rules, lines });
    }
  }
  if (set.files.length === 0) throw new ConfigError(dir, undefined, 'no rule files found');
  return { set };
}

export async function writeRuleSnapshot(path: string, dir: string = BUNDLED_RULES_DIR): Promise<void> {
  const { set } = await readPack(dir, undefined);
  const snap: Snapshot = { set, code: codeId(), rules: compileRuleSet(set) };
  writeFileSync(path, serialize(snap));
}

export function compileRuleSet(set: RuleSet): CompiledRule[] {
  const rules: CompiledRule[] = [];
  const seen = new Map<string, string>();
  for (const { name, rules: defs, lines } of set.files) {
    defs.forEach((def, i) => {
      const prev = seen.get(def.id);
      if (prev !== undefined) throw new ConfigError(name, lines[i]?.rule, `rule id ${def.id} is defined twice: in ${prev} and here`);
      seen.set(def.id, name);
      try {
        rules.push(compileRule(def, name));
      } catch (e) {
        const pattern = e instanceof PatternError ? e.pattern : undefined;
        throw new ConfigError(name, (pattern !== undefined ? lines[i]?.patterns[pattern] : undefined) ?? lines[i]?.rule, (e as Error).message, { cause: e });
      }
    });
  }
  if (rules.length === 0) throw new ConfigError('rules', undefined, 'no rules found');
  return rules;
}

/** The pack of a rule directory; the bundled one comes from the build's snapshot while it matches. */
export async function loadRulePack(dir: string = BUNDLED_RULES_DIR, snapshot = dir === BUNDLED_RULES_DIR ? BUNDLED_SNAPSHOT : undefined): Promise<RulePack> {
  const { set, rules } = await readPack(dir, snapshot);
  return new RulePack(rules ?? compileRuleSet(set), new Fingerprinter(set.fingerprints), set);
}
