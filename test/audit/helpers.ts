/** @module Test helpers for the audit: example paths, in-memory copies of example trees, and the CLI runner. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { memorySource } from '../../src/audit/conf/source.js';
import type { ConfSource } from '../../src/audit/conf/source.js';

export const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
export const WEAK = join(ROOT, 'examples/weak-pbx');
export const HARDENED = join(ROOT, 'examples/hardened-pbx');

/** Every file of an example's asterisk/ folder, keyed by name. */
export function exampleFiles(example: string): Record<string, string> {
  const dir = join(example, 'asterisk');
  return Object.fromEntries(readdirSync(dir).map((n) => [n, readFileSync(join(dir, n), 'utf8')]));
}

/** An in-memory /etc/asterisk holding `files`. */
export function asteriskTree(files: Record<string, string>): ConfSource {
  return memorySource(Object.fromEntries(Object.entries(files).map(([n, t]) => [`/etc/asterisk/${n}`, t])));
}

export function runCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const res = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/bin/pbxguard.ts'), ...args], { encoding: 'utf8', cwd: ROOT, timeout: 60_000 });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}
