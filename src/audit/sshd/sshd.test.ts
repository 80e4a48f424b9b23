/** @module sshd_config reading (Include, Match, line numbers) and sshd semantics (first value wins). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfReadError, memorySource } from '../conf/source.js';
import { readSshd } from './read.js';
import { auditSshd, effectiveOnlyFindings, parseSshdT } from './check.js';

const MAIN = '/etc/ssh/sshd_config';

void test('Include files are read where they appear, relative to /etc/ssh, with their own line numbers', () => {
  const src = memorySource({
    [MAIN]: 'Include sshd_config.d/*.conf\n\n# comment\nPort 2222\n',
    '/etc/ssh/sshd_config.d/10-a.conf': '\nPasswordAuthentication no\n',
    '/etc/ssh/sshd_config.d/20-b.conf': 'PasswordAuthentication yes\n',
  });
  const cfg = readSshd(src, MAIN);
  assert.deepEqual(cfg.files, [MAIN, '/etc/ssh/sshd_config.d/10-a.conf', '/etc/ssh/sshd_config.d/20-b.conf']);
  assert.deepEqual(
    cfg.lines.map((l) => `${l.at.file}:${l.at.line} ${l.keyword}=${l.value}`),
    ['/etc/ssh/sshd_config.d/10-a.conf:2 PasswordAuthentication=no', '/etc/ssh/sshd_config.d/20-b.conf:1 PasswordAuthentication=yes', '/etc/ssh/sshd_config:4 Port=2222'],
  );
});

void test('the first value of a keyword wins, as in sshd, so a drop-in can close what the main file opens', () => {
  const src = memorySource({ [MAIN]: 'Include /etc/ssh/sshd_config.d/*.conf\nPasswordAuthentication yes\nPermitRootLogin yes\n', '/etc/ssh/sshd_config.d/a.conf': 'PasswordAuthentication no\nPermitRootLogin no\n' });
  const ids = auditSshd(src, MAIN).findings.map((f) => f.id);
  assert.ok(!ids.includes('ssh-password-auth') && !ids.includes('ssh-root-login'), JSON.stringify(ids));
});

void test('a Match block that re-enables passwords is reported with its criteria', () => {
  const src = memorySource({ [MAIN]: 'Port 2222\nPasswordAuthentication no\nAllowUsers admin\nMatch Address 0.0.0.0/0\n  PasswordAuthentication yes\n' });
  const findings = auditSshd(src, MAIN).findings;
  assert.deepEqual(findings.map((f) => `${f.id} ${f.line}`), ['ssh-password-auth 5']);
  assert.match(findings[0]!.title, /Address 0\.0\.0\.0\/0/);
});

void test('defaults count: an empty sshd_config accepts passwords on port 22 from anyone', () => {
  const ids = auditSshd(memorySource({ [MAIN]: '' }), MAIN).findings.map((f) => f.id).sort();
  assert.deepEqual(ids, ['ssh-default-port', 'ssh-no-restriction', 'ssh-password-auth']);
});

void test('keywords are case-insensitive and = may separate them', () => {
  const ids = auditSshd(memorySource({ [MAIN]: 'permitrootlogin=yes\nPERMITEMPTYPASSWORDS yes\n' }), MAIN).findings.map((f) => f.id);
  assert.ok(ids.includes('ssh-root-login') && ids.includes('ssh-empty-passwords'));
});

void test('an Include loop stops', () => {
  const cfg = readSshd(memorySource({ [MAIN]: 'Include /etc/ssh/sshd_config\nPort 22\n' }), MAIN);
  assert.equal(cfg.problems.length, 1);
});

void test('keyboard-interactive logins through PAM count as password logins', () => {
  const ids = auditSshd(memorySource({ [MAIN]: 'Port 2222\nAllowUsers admin\nPasswordAuthentication no\nUsePAM yes\n' }), MAIN).findings.map((f) => f.id);
  assert.deepEqual(ids, ['ssh-password-auth']);
  const closed = auditSshd(memorySource({ [MAIN]: 'Port 2222\nAllowUsers admin\nPasswordAuthentication no\nUsePAM yes\nKbdInteractiveAuthentication no\n' }), MAIN).findings;
  assert.deepEqual(closed, []);
});

void test('sshd -T output reveals what a file reading missed, and only that', () => {
  const sshdT = readFileSync(resolve(fileURLToPath(import.meta.url), '../../../../test/audit/fixtures/sshd/sshd-T.txt'), 'utf8');
  const lines = parseSshdT(sshdT);
  assert.ok(lines.length > 50 && lines.every((l) => l.key === l.key.toLowerCase()));
  // the file as written looks clean; its Include points at files this reader cannot see
  const fileFindings = auditSshd(memorySource({ [MAIN]: 'Include /unreadable/*.conf\nPermitRootLogin no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nPort 2222\nAllowUsers admin\n' }), MAIN).findings;
  assert.deepEqual(fileFindings, []);
  const extra = effectiveOnlyFindings(fileFindings, sshdT, MAIN);
  assert.deepEqual(extra.map((f) => f.id).sort(), ['ssh-default-port', 'ssh-no-restriction', 'ssh-password-auth', 'ssh-root-login']);
  assert.ok(extra.every((f) => f.file === MAIN && f.title.endsWith('(effective configuration, sshd -T)')));
  assert.deepEqual(effectiveOnlyFindings(extra, sshdT, MAIN), [], 'nothing is reported twice');
});

void test('an Include that cannot be read becomes a finding instead of being skipped silently', () => {
  const files = memorySource({ [MAIN]: 'Include /etc/ssh/sshd_config.d/*.conf\nPort 2222\nAllowUsers admin\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n', '/etc/ssh/sshd_config.d/a.conf': 'PermitRootLogin yes\n' });
  const source = {
    read: (p: string) => {
      if (p.endsWith('a.conf')) throw new ConfReadError(p, 'EACCES: permission denied');
      return files.read(p);
    },
    glob: (p: string) => files.glob(p),
  };
  assert.deepEqual(auditSshd(source, MAIN).findings.map((f) => f.id), ['config-parse-error']);
});

void test('a Match block limited to private addresses may allow passwords; one that includes public addresses may not', () => {
  const base = 'Port 2222\nAllowUsers admin\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n';
  assert.deepEqual(auditSshd(memorySource({ [MAIN]: `${base}Match Address 10.0.0.0/8,192.168.1.0/24\n  PasswordAuthentication yes\n` }), MAIN).findings, []);
  const ids = auditSshd(memorySource({ [MAIN]: `${base}Match Address 10.0.0.0/8,203.0.113.0/24\n  PasswordAuthentication yes\n` }), MAIN).findings.map((f) => f.id);
  assert.deepEqual(ids, ['ssh-password-auth']);
  assert.deepEqual(auditSshd(memorySource({ [MAIN]: `${base}Match User bob\n  PermitRootLogin yes\n` }), MAIN).findings.map((f) => f.id), ['ssh-root-login']);
});

void test('every Port line opens a port, so port 22 is found on any of them', () => {
  const base = 'AllowUsers admin\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n';
  assert.deepEqual(auditSshd(memorySource({ [MAIN]: `${base}Port 2222\n` }), MAIN).findings, []);
  const both = auditSshd(memorySource({ [MAIN]: `${base}Port 2222\nPort 22\n` }), MAIN).findings;
  assert.deepEqual(both.map((f) => `${f.id} ${f.line}`), ['ssh-default-port 5']);
});
