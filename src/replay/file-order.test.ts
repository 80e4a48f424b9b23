import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { headFacts, readingOrder, type HeadFacts } from './file-order.js';

/** Head facts from first times by file name, and the files that are security logs. */
const heads =
  (times: Record<string, number>, security: ReadonlySet<string> = new Set()) =>
  (f: string): HeadFacts => (times[f] !== undefined ? { firstTime: times[f], securityLog: security.has(f) } : { securityLog: security.has(f) });

test("each log's files are read by their first times, at the place of its first file; other logs keep their order", () => {
  // what `auth.log* messages*` expands to, with stdin between; logrotate's numbers (1 newest)
  const times: Record<string, number> = { 'auth.log': 40, 'auth.log.1': 30, 'auth.log.2.gz': 20, 'auth.log.10.gz': 10, 'ast/messages': 9, 'ast/messages-20261124.gz': 7, 'ast/messages-2026112500': 8, 'ast/security': 1 };
  const given = ['auth.log', 'auth.log.1', 'auth.log.10.gz', 'auth.log.2.gz', '-', 'ast/messages', 'ast/messages-20261124.gz', 'ast/messages-2026112500', 'ast/security'];
  assert.deepEqual(readingOrder(given, heads(times)), ['auth.log.10.gz', 'auth.log.2.gz', 'auth.log.1', 'auth.log', '-', 'ast/messages-20261124.gz', 'ast/messages-2026112500', 'ast/messages', 'ast/security']);
  // Asterisk's rotatestrategy = sequential numbers the newest highest: given in order, kept
  const sequential: Record<string, number> = { 'messages.0': 1, 'messages.1': 2, messages: 3 };
  assert.deepEqual(readingOrder(['messages.0', 'messages.1', 'messages'], heads(sequential)), ['messages.0', 'messages.1', 'messages']);
  assert.deepEqual(readingOrder(['messages', 'messages.1', 'messages.0'], heads(sequential)), ['messages.0', 'messages.1', 'messages']);
  // files whose time is unknown (logrotate's fresh empty file) come after the others, as given
  const rotated: Record<string, number> = { 'auth.log.1': 2, 'auth.log.2': 1 };
  assert.deepEqual(readingOrder(['auth.log', 'auth.log.1', 'auth.log.2', 'auth.log.3'], heads(rotated)), ['auth.log.2', 'auth.log.1', 'auth.log', 'auth.log.3']);
  // the same name in two folders is two logs
  assert.deepEqual(readingOrder(['a/messages', 'b/messages.1', 'b/messages'], heads({ 'a/messages': 9, 'b/messages.1': 1, 'b/messages': 2 })), ['a/messages', 'b/messages.1', 'b/messages']);
  // Asterisk's security log before the others (its logins make an office trusted), with its rotations
  const security = new Set(['ast/security', 'ast/security.1']);
  assert.deepEqual(
    readingOrder(['ast/full', '-', 'ast/security', 'ast/security.1', 'auth.log'], heads({ 'ast/security': 2, 'ast/security.1': 1 }, security)),
    ['ast/security.1', 'ast/security', 'ast/full', '-', 'auth.log'],
  );
});

test("a file's first time is its first line's that has one, in plain and gzip files", () => {
  const dir = mkdtempSync(join(tmpdir(), 'pbxguard-first-'));
  const lines = ['', 'garbage', '[2026-11-25 10:00:01] NOTICE[1] chan_sip.c: x', '[2026-11-25 10:00:02] NOTICE[1] chan_sip.c: y'].join('\n');
  writeFileSync(join(dir, 'plain'), lines);
  // gzip cut short: read as far as it goes
  writeFileSync(join(dir, 'cut.gz'), gzipSync(lines + '\n' + 'z'.repeat(100_000)).subarray(0, 120));
  writeFileSync(join(dir, 'none'), 'no times here\n');
  assert.equal(headFacts(join(dir, 'plain'))?.firstTime, new Date(2026, 10, 25, 10, 0, 1).getTime());
  assert.equal(headFacts(join(dir, 'cut.gz'))?.firstTime, new Date(2026, 10, 25, 10, 0, 1).getTime());
  assert.equal(headFacts(join(dir, 'none'))?.firstTime, undefined);
  assert.equal(headFacts(join(dir, 'missing')), undefined);
  writeFileSync(join(dir, 'security'), '[2026-11-25 10:00:01] SECURITY[4099] res_security_log.c: SecurityEvent="SuccessfulAuth"\n');
  assert.deepEqual([join(dir, 'security'), join(dir, 'plain'), join(dir, 'none')].map((f) => headFacts(f)?.securityLog), [true, false, false]);
  // a small gzip file of 200 MB of empty lines, then a line: its head is looked at, not all of it
  const bomb = join(dir, 'bomb.gz');
  writeFileSync(bomb, gzipSync(Buffer.concat([Buffer.alloc(200 << 20, 0x0a), Buffer.from(lines)]), { level: 9 }));
  const before = process.memoryUsage().arrayBuffers;
  assert.equal(headFacts(bomb)?.firstTime, undefined);
  assert.ok(process.memoryUsage().arrayBuffers - before < 64 << 20, 'the head only');
});
