/** @module `pbxguard audit` end to end: exit statuses, --fail-on, and each output format on the bundled examples. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HARDENED, WEAK, runCli } from './helpers.js';

const weakArgs = ['audit', '--asterisk', join(WEAK, 'asterisk'), '--sshd', join(WEAK, 'ssh/sshd_config')];
const hardArgs = ['audit', '--asterisk', join(HARDENED, 'asterisk'), '--sshd', join(HARDENED, 'ssh/sshd_config')];

void test('a clean configuration exits 0 and says so', () => {
  const r = runCli(hardArgs);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^No findings in \d+ files\.$/m);
});

void test('findings exit 1 and the text report lists the worst first with file:line and fix', () => {
  const r = runCli([...weakArgs, '--no-color']);
  assert.equal(r.status, 1, r.stderr);
  const headings = [...r.stdout.matchAll(/^(CRITICAL|HIGH|MEDIUM|LOW) \(\d+\)$/gm)].map((m) => m[1]);
  assert.deepEqual(headings, ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW']);
  assert.match(r.stdout, /^ {2}manager\.conf:10 {2}AMI user admin has all rights/m);
  assert.match(r.stdout, /^ {4}fix: {3}/m);
  assert.ok(!r.stdout.includes('\u001b['), 'no colour codes when not on a terminal');
});

void test('--fail-on sets the threshold for exit 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pbxguard-audit-'));
  try {
    cpSync(join(HARDENED, 'asterisk'), dir, { recursive: true });
    // one medium finding: the security log is off
    const logger = join(dir, 'logger.conf');
    writeFileSync(logger, readFileSync(logger, 'utf8').replace(/security => security.*/, ''));
    const base = ['audit', '--asterisk', dir, '--sshd', join(HARDENED, 'ssh/sshd_config')];
    assert.equal(runCli([...base, '--fail-on', 'high']).status, 0);
    assert.equal(runCli([...base, '--fail-on', 'medium']).status, 1);
    assert.equal(runCli(base).status, 1, 'the default threshold is low');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('usage and read errors exit 2 with a message', () => {
  const missing = runCli(['audit', '--asterisk', '/nonexistent/asterisk']);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /--asterisk \/nonexistent\/asterisk: no such directory/);
  const file = runCli(['audit', '--asterisk', join(HARDENED, 'asterisk/pjsip.conf')]);
  assert.equal(file.status, 2);
  assert.match(file.stderr, /pjsip\.conf: not a directory/);
  const empty = mkdtempSync(join(tmpdir(), 'pbxguard-empty-'));
  try {
    const r = runCli(['audit', '--asterisk', empty, '--sshd', join(HARDENED, 'ssh/sshd_config')]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /no Asterisk config files/);
    assert.doesNotMatch(r.stderr, /\.sample/);
    // Asterisk's configs/samples folder: the files are there, under names Asterisk does not read
    writeFileSync(join(empty, 'sip.conf.sample'), '[general]\n');
    const samples = runCli(['audit', '--asterisk', empty, '--sshd', join(HARDENED, 'ssh/sshd_config')]);
    assert.equal(samples.status, 2);
    assert.match(samples.stderr, /holds 1 \*\.conf\.sample files, which Asterisk does not read/);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
  const unreadable = mkdtempSync(join(tmpdir(), 'pbxguard-unreadable-'));
  try {
    cpSync(join(HARDENED, 'asterisk'), unreadable, { recursive: true });
    // a directory where pjsip.conf should be: the file exists but cannot be read, even by root
    rmSync(join(unreadable, 'pjsip.conf'));
    mkdirSync(join(unreadable, 'pjsip.conf'));
    const r = runCli(['audit', '--asterisk', unreadable, '--sshd', join(HARDENED, 'ssh/sshd_config')]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /cannot read .*pjsip\.conf: not a regular file/);
  } finally {
    rmSync(unreadable, { recursive: true, force: true });
  }
  const help = runCli(['audit', '--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /Exit status: 0 .* 1 .* 2 usage or read error/);
  assert.equal(runCli([...hardArgs, '--format', 'xml']).status, 2);
  assert.equal(runCli([...hardArgs, '--fail-on', 'info']).status, 2);
  assert.equal(runCli(['audit', '--asterisk', join(HARDENED, 'asterisk'), '--sshd', '/nonexistent/sshd_config']).status, 2);
});

void test('json output has the documented shape and counts', () => {
  const r = runCli([...weakArgs, '--format', 'json']);
  assert.equal(r.status, 1);
  const doc = JSON.parse(r.stdout) as { findings: Record<string, unknown>[]; summary: { total: number; bySeverity: Record<string, number> } };
  assert.ok(doc.findings.length > 30);
  for (const f of doc.findings) for (const k of ['id', 'severity', 'title', 'file', 'line', 'evidence', 'fix']) assert.ok(k in f, `missing ${k}`);
  assert.equal(doc.summary.total, doc.findings.length);
  assert.equal(Object.values(doc.summary.bySeverity).reduce((a, b) => a + b, 0), doc.findings.length);
});
