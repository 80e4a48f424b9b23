/**
 * @module Shared helpers of the replay benchmarks (replay-vs-fail2ban.ts, profile-replay.ts): preflight checks, generated inputs, machine
 * description, and rewriting one marked block of bench/RESULTS.md without touching the rest.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { readdirSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_START_MS, GENERATOR_VERSION, generateFile, type GenOptions, type GenStats } from './gen-asterisk-log.js';

export const PBXGUARD = 'dist/bin/pbxguard.js';
export const OUT_DIR = 'bench/out';
export const RESULTS = 'bench/RESULTS.md';

export class PreflightError extends Error {}

/** Fails with the command that fixes it: the benchmark installs nothing itself. */
export function requireBuilt(): void {
  if (!existsSync(PBXGUARD)) throw new PreflightError(`${PBXGUARD} not found: run \`npm run build\` first`);
  // A stale dist would time yesterday's code; warn rather than fail, since a build may be in progress elsewhere.
  const built = statSync(PBXGUARD).mtimeMs;
  const newer = newestMtime('src', (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  if (newer.mtime > built) process.stderr.write(`warning: ${newer.file} is newer than ${PBXGUARD}; run \`npm run build\` to time the current code\n`);
}

function newestMtime(dir: string, keep: (f: string) => boolean): { file: string; mtime: number } {
  let best = { file: '', mtime: 0 };
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      const b = newestMtime(p, keep);
      if (b.mtime > best.mtime) best = b;
    } else if (keep(p)) {
      const m = statSync(p).mtimeMs;
      if (m > best.mtime) best = { file: p, mtime: m };
    }
  }
  return best;
}

export function requireCommand(cmd: string, args: string[], fix: string): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error !== undefined || r.status !== 0) throw new PreflightError(`\`${cmd}\` is not usable here: ${fix}`);
  return (r.stdout + r.stderr).trim();
}

export interface Input {
  name: string;
  file: string;
  stats: GenStats;
}

/**
 * Returns the generated file, reusing it when its sidecar meta says it was made by this generator
 * version with the same options (generation is deterministic, so the bytes would be identical).
 */
export function ensureInput(name: string, lines: number, attackRatio: number, seed: number, regen: boolean): Input {
  const file = join(OUT_DIR, `${name}.log`);
  const opts: GenOptions = { lines, attackRatio, seed, dateFormat: 'iso', startMs: DEFAULT_START_MS };
  const metaFile = `${file}.meta.json`;
  if (!regen && existsSync(file) && existsSync(metaFile)) {
    const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as GenStats;
    if (meta.generator === GENERATOR_VERSION && JSON.stringify(meta.options) === JSON.stringify(opts) && statSync(file).size === meta.bytes) {
      return { name, file, stats: meta };
    }
  }
  const t0 = performance.now();
  const stats = generateFile(opts, file);
  process.stderr.write(`generated ${file}: ${stats.lines} lines, ${stats.attackLines} attack, ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  return { name, file, stats };
}

export interface Machine {
  node: string;
  cpu: string;
  cores: number;
  memGiB: number;
  kernel: string;
  commit: string;
  fail2ban: string;
  python: string;
  /** 1-minute load average: other work on the machine shows up here and in the timings. */
  load: string;
}

export function machine(): Machine {
  const cpu = cpus();
  // BENCH_COMMIT names the code when it is timed from an exported tree (git archive) with no .git.
  let commit = process.env['BENCH_COMMIT'] ?? 'unknown';
  if (commit === 'unknown') {
    try {
      commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
      // The timed code is the working tree's build, so say when it differs from the commit.
      const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'rules'], { encoding: 'utf8' }).trim();
      if (dirty !== '') commit += ' + uncommitted src/rules changes';
    } catch {
      // not a git checkout: keep "unknown"
    }
  }
  const ver = (cmd: string, args: string[]): string => {
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    return r.error !== undefined ? 'absent' : (r.stdout + r.stderr).trim().split('\n')[0]!;
  };
  return {
    node: process.version,
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memGiB: Math.round(totalmem() / 2 ** 30),
    kernel: `Linux ${release()}`,
    commit,
    fail2ban: ver('fail2ban-regex', ['--version']),
    python: ver('python3', ['--version']),
    load: loadavg()[0]!.toFixed(2),
  };
}

/**
 * Replaces the block between `<!-- key:start -->` and `<!-- key:end -->` in RESULTS.md, creating
 * the section heading and the file when absent. Only that block is rewritten because other
 * benchmarks own other sections of the same file.
 */
export function writeResultsBlock(heading: string, key: string, body: string): void {
  const start = `<!-- ${key}:start -->`;
  const end = `<!-- ${key}:end -->`;
  const block = `${start}\n${body.trimEnd()}\n${end}`;
  let doc = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '# Benchmark results\n';
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  if (i >= 0 && j > i) {
    doc = doc.slice(0, i) + block + doc.slice(j + end.length);
  } else {
    const h = doc.indexOf(`\n${heading}\n`);
    if (h < 0) {
      doc = `${doc.trimEnd()}\n\n${heading}\n\n${block}\n`;
    } else {
      // Append the block at the end of the existing section, before the next `## ` heading.
      const after = h + heading.length + 2;
      const next = doc.indexOf('\n## ', after);
      const at = next < 0 ? doc.length : next;
      doc = `${doc.slice(0, at).trimEnd()}\n\n${block}\n${doc.slice(at)}`;
    }
  }
  writeFileSync(RESULTS, doc.endsWith('\n') ? doc : doc + '\n');
}

export const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US');
