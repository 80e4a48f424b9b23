/** @module The bundled examples: every planted weakness is found exactly where it is marked, and the hardened twin audits clean. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runAudit } from '../../src/audit/run-audit.js';
import { diskSource } from '../../src/audit/conf/source.js';
import { auditSshd } from '../../src/audit/sshd/check.js';
import { CHECK_BY_ID } from '../../src/audit/catalog.js';
import { HARDENED, WEAK } from './helpers.js';

/** Reads `; planted: id id …` markers (Asterisk files) and `# planted-next:` / `# planted-file:` markers (sshd_config). */
function plantedMarkers(): Set<string> {
  const out = new Set<string>();
  const ids = (text: string): string[] => {
    const list: string[] = [];
    for (const tok of text.trim().split(/\s+/)) {
      if (!/^[a-z0-9]+(-[a-z0-9]+)+$/.test(tok)) break;
      list.push(tok);
    }
    return list;
  };
  const dir = join(WEAK, 'asterisk');
  for (const name of readdirSync(dir)) {
    readFileSync(join(dir, name), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        const m = /; planted: (.*)$/.exec(line);
        if (m) for (const id of ids(m[1]!)) out.add(`${name}:${i + 1} ${id}`);
      });
  }
  readFileSync(join(WEAK, 'ssh/sshd_config'), 'utf8')
    .split('\n')
    .forEach((line, i) => {
      const next = /^# planted-next: (.*)$/.exec(line);
      if (next) for (const id of ids(next[1]!)) out.add(`sshd_config:${i + 2} ${id}`);
      const file = /^# planted-file: (.*)$/.exec(line);
      if (file) for (const id of ids(file[1]!)) out.add(`sshd_config:0 ${id}`);
    });
  return out;
}

void test('the weak example yields exactly the planted findings, each at its marked file and line', () => {
  const sshdPath = join(WEAK, 'ssh/sshd_config');
  const ssh = auditSshd(diskSource(), sshdPath);
  const result = runAudit({ source: diskSource(), asteriskDir: join(WEAK, 'asterisk'), extra: ssh.findings });
  const found = new Set(result.findings.map((f) => `${f.file === sshdPath ? 'sshd_config' : f.file}:${f.line} ${f.id}`));
  const planted = plantedMarkers();
  assert.ok(planted.size >= 35, `only ${planted.size} markers read: the marker format changed?`);
  assert.deepEqual([...found].sort(), [...planted].sort());
});

void test('every planted weakness names a check in the catalog', () => {
  for (const p of plantedMarkers()) assert.ok(CHECK_BY_ID.has(p.split(' ')[1]!), p);
});

void test('the weak example reaches outbound dialling from each untrusted entry with the path as evidence', () => {
  const result = runAudit({ source: diskSource(), asteriskDir: join(WEAK, 'asterisk') });
  const paths = result.findings.filter((f) => f.id === 'dialplan-outbound-from-untrusted');
  assert.deepEqual(paths.map((f) => /\(context ([^)]+)\)/.exec(f.title)?.[1]).sort(), ['from-iax-guest', 'from-sip-guest', 'from-trunk']);
  const fromTrunk = paths.find((f) => f.title.includes('from-trunk'))!;
  assert.deepEqual(fromTrunk.path?.map((s) => s.split(' ')[0]), ['extensions.conf:29', 'extensions.conf:12', 'extensions.conf:22', 'extensions.conf:23']);
  assert.match(fromTrunk.evidence, /reaches Dial\(PJSIP\/provider\/(011|00|\+|9011)/);
});

void test('secrets never appear in findings, only their shape', () => {
  const result = runAudit({ source: diskSource(), asteriskDir: join(WEAK, 'asterisk') });
  const text = JSON.stringify(result.findings);
  for (const secret of ['password123', 'Sm4llpw', 'amp111', 'aE3%B8*$jk^G']) assert.ok(!text.includes(secret), secret);
});

void test('the hardened twin audits clean, sshd included', () => {
  const ssh = auditSshd(diskSource(), join(HARDENED, 'ssh/sshd_config'));
  const result = runAudit({ source: diskSource(), asteriskDir: join(HARDENED, 'asterisk'), extra: ssh.findings });
  assert.deepEqual(result.findings, []);
  assert.ok(result.summary.filesRead.length >= 10, 'the hardened example was not read');
});
