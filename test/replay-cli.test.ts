/** `pbxguard replay` as a user runs it: the real binary entry, real files, stdout and exit status. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, linkSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { constants, gzipSync } from 'node:zlib';

const DEMO = 'demo/asterisk-attack.log';
const demoLines = readFileSync(DEMO, 'utf8').split('\n');

function pbxguard(args: string[], input?: string | Buffer) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/bin/pbxguard.ts', ...args], { input, encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The fields of a `--format json` document these tests read. */
interface JsonReport {
  events: Array<{ ip?: string }>;
  decisions: unknown[];
  summary: { attackAttempts: number; topAccounts: Array<{ account: string; attempts: number }>; files: Array<{ lines: number; truncated?: boolean }>; warnings: string[] };
}

/** `replay --format json` of the files (or of `input` on stdin, for `-`), which must succeed. */
function jsonReport(files: string[], input?: string): JsonReport {
  const r = pbxguard(['replay', '--format', 'json', ...files], input);
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out) as JsonReport;
}

test('the demo report names each attacker, the cracked account, and spares the office and the forged addresses', () => {
  const r = pbxguard(['replay', DEMO]);
  assert.equal(r.code, 0, r.err);
  // seven decisions for six addresses: the cracked account lengthens its address's running ban
  assert.match(r.out, /Bans it would issue \(7\)/);
  assert.match(r.out, /2001:db8:bad::9\s+1d\s+compromise/);
  assert.match(r.out, /203\.0\.113\.50\s+1d\s+scanner\s+pjsip: scanner fingerprint "sipvicious"/);
  assert.match(r.out, /198\.51\.100\.77\s+1h\s+enumeration/);
  assert.match(r.out, /2001:db8:bad::9 {2}pjsip: account 1004 logged in after 8 failures/);
  const bans = r.out.slice(r.out.indexOf('Bans it would issue'));
  for (const spared of ['10.0.0.22', '203.0.113.200', '198.51.100.1', '203.0.113.201']) assert.ok(!bans.includes(spared), `${spared} must not be banned`);
  assert.match(r.out, /1 ambiguous line naming two addresses/);
  // and its two readings, for whoever investigates
  assert.match(r.out, /^Ambiguous lines .*\n {2}198\.51\.100\.1 or 203\.0\.113\.201 +1$/m);
  // the office phone with a stale secret, and the cracked account, are told from the rest
  assert.match(r.out, /10\.0\.0\.22 .*accounts: 1002 {2}\(also logged in\)/);
  assert.match(r.out, /198\.51\.100\.77 .*accounts: 100, [^(]*$/m);
  // its 8 attempts are each in the messages log and the security log: counted once, as the alert counts them
  assert.match(r.out, /^ {2}2001:db8:bad::9 +8 {2}pjsip/m);
  assert.match(r.out, /^ {2}1004 +8$/m);
  assert.match(r.out, /40 attack attempts from 8 addresses/);
  assert.match(r.out, /48 lines: an attempt in two logs \(messages and security, error and access\) counts once/);
  assert.match(r.out, /Accounts targeted \(23 distinct, the 10 most tried\)/);
  // one number tried behind six international dialling prefixes: toll-fraud probing
  assert.match(r.out, /^Extensions called \(refused calls to 6 distinct numbers\)\n {2}00972598285108 +1$/m);
  assert.match(r.out, /^ {2}9011972598285108 +1$/m);
  // attempts, then the events that are none (a phone's logins and challenges) apart
  assert.match(r.out, /^Attack attempts by service and kind\n {2}sip +unknown_account +12\n(?: {2}\S+ +(?:auth_failure|unknown_account|unknown_extension|acl_denied|scan|flood|malformed) +\d+\n)+\nOther events \(not counted towards bans\)\n {2}pjsip +auth_success +5\n/m);
  // after the alert, what to do about a cracked secret
  assert.match(r.out, /secret is probably cracked\n {2}What to do: change the secret of each account named/);
});

test('jsonl gives one object per event with its file and line number, then ban decisions', () => {
  const r = pbxguard(['replay', '--format', 'jsonl', DEMO]);
  assert.equal(r.code, 0, r.err);
  const objs = r.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  // the ambiguous line names no address, but both of its readings, for whoever investigates
  const ambiguous = objs.filter((o) => o.kind === 'ambiguous');
  assert.deepEqual(
    ambiguous.map((o) => [o.ip, o.readings]),
    [[undefined, ['198.51.100.1', '203.0.113.201']]],
  );
  const events = objs.filter((o) => !('decision' in o));
  const decisions = objs.filter((o) => o.decision === 'ban');
  assert.equal(decisions.length, 7);
  assert.equal(new Set(decisions.map((d) => d.ip)).size, 6);
  assert.ok(events.length > 40);
  for (const e of events) {
    for (const k of ['file', 'line', 'at', 'service', 'kind', 'rule']) assert.ok(k in e, `missing ${k} in ${JSON.stringify(e)}`);
    const text = demoLines[(e.line as number) - 1]!;
    if (typeof e.ip === 'string') assert.ok(text.includes(e.ip), `line ${String(e.line)} does not hold ${e.ip}`);
  }
  const amb = events.filter((e) => e.kind === 'ambiguous');
  assert.equal(amb.length, 1);
  assert.equal(amb[0]!.ip, undefined);
  // a refused call names the number dialled
  const calls = events.filter((e) => e.kind === 'unknown_extension');
  assert.deepEqual(
    calls.map((e) => [e.ip, e.extension]),
    ['00972598285108', '900972598285108', '011972598285108', '+972598285108', '9011972598285108', '0972598285108'].map((x) => ['192.0.2.66', x]),
  );
});

test('json is one document whose events, decisions and summary agree with jsonl', () => {
  const doc = JSON.parse(pbxguard(['replay', '-f', 'json', DEMO]).out) as { events: unknown[]; decisions: Array<{ decision: string }>; summary: { bans: number; lines: number } };
  const jsonl = pbxguard(['replay', '-f', 'jsonl', DEMO]).out.trim().split('\n').filter((l) => !l.includes('"decision"'));
  assert.equal(doc.events.length, jsonl.length);
  assert.equal(doc.summary.bans, 7);
  assert.equal(doc.decisions.filter((d) => d.decision === 'ban').length, 7);
  assert.equal(doc.summary.lines, demoLines.length - 1);
  const summary = doc.summary as unknown as { attackEvents: number; attackAttempts: number; topAddresses: Array<{ ip: string; attempts: number; events: number }> };
  assert.equal(summary.attackEvents, 48);
  assert.equal(summary.attackAttempts, 40);
  const { extensions, topExtensions } = doc.summary as unknown as { extensions: number; topExtensions: Array<{ extension: string; calls: number }> };
  assert.equal(extensions, 6);
  assert.deepEqual(topExtensions[0], { extension: '00972598285108', calls: 1 });
  assert.equal(topExtensions.length, 6);
  assert.deepEqual(
    summary.topAddresses.filter((a) => a.ip === '2001:db8:bad::9').map((a) => [a.attempts, a.events]),
    [[8, 16]],
  );
});

test('stdin and gzip input give the same result as the plain file', () => {
  const plain = pbxguard(['replay', '-f', 'jsonl', DEMO]).out.replaceAll(`"file":"${DEMO}",`, '');
  const fromStdin = pbxguard(['replay', '-f', 'jsonl', '-'], readFileSync(DEMO)).out.replaceAll('"file":"stdin",', '');
  assert.equal(fromStdin, plain);
  const dir = mkdtempSync(join(tmpdir(), 'pbxguard-cli-'));
  writeFileSync(join(dir, 'demo.log.gz'), gzipSync(readFileSync(DEMO)));
  const gz = pbxguard(['replay', '-f', 'jsonl', join(dir, 'demo.log.gz')]).out.replaceAll(`"file":${JSON.stringify(join(dir, 'demo.log.gz'))},`, '');
  assert.equal(gz, plain);
});

test('--explain accounts for every line', () => {
  const r = pbxguard(['replay', '--explain', DEMO]);
  assert.equal(r.code, 0, r.err);
  const explained = r.out.split('\n').filter((l) => l.startsWith(`${DEMO}:`));
  assert.equal(explained.length, demoLines.length - 1);
  assert.ok(explained.some((l) => / AMBIGUOUS: the line reads as /.test(l)));
  assert.ok(explained.some((l) => /no rules for asterisk app_dial\.c/.test(l)));
  // an IPv6 address with a port reads unambiguously
  assert.ok(explained.some((l) => /→ pjsip auth_failure \[2001:db8:bad::9\]:5070/.test(l)));
  assert.ok(explained.some((l) => /→ pjsip unknown_extension 192\.0\.2\.66:5072 \(account anonymous, extension 9011972598285108\)$/.test(l)));
  // an event that counts for nothing says so
  const undated = pbxguard(['replay', '--explain', '-'], ['pbx sshd[7]: Failed password for root from 198.51.100.5 port 22 ssh2', '[2026-11-25 10:00:01] Authentication failure for admin from 198.51.100.6'].join('\n') + '\n').out;
  assert.match(undated, /^stdin:1 {2}sshd\/failed-auth → ssh auth_failure 198\.51\.100\.5:22 \(account root, no time pbxguard reads: not counted\)$/m);
  // FreePBX's bare form after another log's line is no FreePBX line, and says so
  assert.match(undated, /^stdin:2 {2}not a log format pbxguard reads$/m);
  const forged = pbxguard(['replay', '--explain', '-'], '[2026-11-25 10:00:01] Authentication failure for admin from 198.51.100.6\n').out;
  assert.match(forged, /^stdin:1 {2}web\/freepbx-login-failure → http auth_failure 198\.51\.100\.6 \(account admin, may be forged \(see the warning\): not counted\)$/m);
});

test('--explain also accounts for lines too long to read, in place', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pbxguard-explain-long-'));
  const log = join(dir, 'x.log');
  const lines = [demoLines[1]!, 'x'.repeat(70_000), demoLines[2]!, 'y'.repeat(200_000)];
  writeFileSync(log, lines.join('\n'));
  const r = pbxguard(['replay', '--explain', log]);
  assert.equal(r.code, 0, r.err);
  const explained = r.out.split('\n').filter((l) => l.startsWith(`${log}:`));
  assert.deepEqual(
    explained.map((l) => Number(/:(\d+) /.exec(l)![1])),
    [1, 2, 3, 4],
  );
  assert.match(explained[1]!, /:2 {2}not read: longer than 64 KiB$/);
  assert.match(explained[3]!, /:4 {2}not read: longer than 64 KiB$/);
});

test('--allow spares an address the log would get banned', () => {
  const r = pbxguard(['replay', '--allow', '198.51.100.0/24', DEMO]);
  assert.match(r.out, /Bans it would issue \(5\)/);
  assert.match(r.out, /2 allowlisted or loopback addresses would have been banned: 198\.51\.100\.77, 198\.51\.100\.99/);
});

test('--allow-file reads an allowlist of addresses and networks, and names the line of a bad entry', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pbxguard-allow-'));
  const list = join(dir, 'office.allow');
  writeFileSync(list, '# office and the provider\n198.51.100.77\r\n\n  198.51.100.96/28   # the IAX2 peer\n');
  const r = pbxguard(['replay', '--allow-file', list, DEMO]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /Bans it would issue \(5\)/);
  assert.match(r.out, /2 allowlisted or loopback addresses would have been banned: 198\.51\.100\.77, 198\.51\.100\.99/);
  writeFileSync(list, '198.51.100.77\noffice.example # a name\n');
  const bad = pbxguard(['replay', '--allow-file', list, DEMO]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /office\.allow:2: not an IP address or CIDR network: "office\.example"/);
  const missing = pbxguard(['replay', '--allow-file', join(dir, 'none'), DEMO]);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /--allow-file \S+none: cannot read it \(ENOENT\)/);
});

test('an unreadable file is refused before anything is read, as a missing one is', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pbxguard-perm-'));
  const secret = join(dir, 'secret.log');
  writeFileSync(secret, readFileSync(DEMO));
  chmodSync(secret, 0o000);
  // root reads any file: as root, the run gives up the capabilities that let it (util-linux's
  // setpriv), staying root so that it can still read the checkout wherever that lies
  const command = [process.execPath, '--import', 'tsx', 'src/bin/pbxguard.ts', 'replay', DEMO, secret];
  const argv = process.getuid?.() === 0 ? ['setpriv', '--bounding-set', '-dac_override,-dac_read_search', ...command] : command;
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /secret\.log: not readable \(permission denied\)/);
  assert.equal(r.stdout, '', 'no half report before the error');
});

test('usage and input errors exit with status 2 and name the culprit', () => {
  const missing = pbxguard(['replay', 'no/such.log']);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /no\/such\.log: no such file/);
  const badAllow = pbxguard(['replay', '--allow', 'office', DEMO]);
  assert.equal(badAllow.code, 2);
  assert.match(badAllow.err, /--allow: .*office/);
  const xml = pbxguard(['replay', '--format', 'xml', DEMO]);
  assert.equal(xml.code, 2);
  // the option parser's messages read like every other error, and point to the help
  assert.match(xml.err, /^pbxguard: option '-f, --format <format>' argument 'xml' is invalid[\s\S]*\(see: pbxguard replay --help\)/);
  assert.equal(pbxguard(['replay', '--maxretry', 'zero', DEMO]).code, 2);
  assert.equal(pbxguard(['replay', '--bantime', '1h30', DEMO]).code, 2);
  assert.match(pbxguard(['replay', '--bantime', '1h30m', DEMO]).out, /\s90m\s+maxretry/);
});

test('attacker-written terminal escapes are shown escaped in the text report', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pbxguard-cli-'));
  const file = join(dir, 'ansi.log');
  const lines = Array.from({ length: 5 }, (_, i) => `[2026-11-25 10:00:0${i}] NOTICE[1] manager.c: 198.51.100.9 failed to authenticate as '\u001b[2J\u001b]0;owned\u0007adm'`);
  lines.push(`[2026-11-25 10:00:06] NOTICE[2] chan_sip.c: Call from '' (198.51.100.10:5060) to extension '00\u001b[31m44' rejected because extension not found in context 'default'.`);
  // text that spells an escape must not pass for one
  lines.push(`[2026-11-25 10:00:07] NOTICE[2] chan_sip.c: Call from '' (198.51.100.10:5060) to extension '11\\x1b[31m' rejected because extension not found in context 'default'.`);
  writeFileSync(file, lines.join('\n') + '\n');
  const r = pbxguard(['replay', file]);
  assert.equal(r.code, 0);
  assert.ok(!r.out.includes('\u001b'), 'no raw ESC reaches the terminal');
  assert.match(r.out, /\\x1b\[2J/);
  assert.match(r.out, /^ {2}00\\x1b\[31m44 +1$/m);
  assert.match(r.out, /^ {2}11\\\\x1b\[31m +1$/m);
});

test('the text report lists the extensions most called, and says when there were more', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pbxguard-calls-'));
  const file = join(dir, 'calls.log');
  // twelve numbers, the first called three times: one of them must be left out of the ten
  const numbers = ['0097259', '0097259', '0097259', ...Array.from({ length: 11 }, (_, i) => `0044${i}`)];
  const lines = numbers.map((x, i) => `[2026-11-25 10:00:${String(i).padStart(2, '0')}] NOTICE[2] chan_sip.c: Call from '' (198.51.100.10:5060) to extension '${x}' rejected because extension not found in context 'default'.`);
  writeFileSync(file, lines.join('\n') + '\n');
  const r = pbxguard(['replay', file]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^Extensions called \(refused calls to 12 distinct numbers, the 10 most called\)\n {2}0097259 +3$/m);
  assert.equal(r.out.match(/^ {2}0044\d+ +1$/gm)?.length, 9);
});

test('attack lines that are all ambiguous are no all-clear, and the reading they share is pointed out', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pbxguard-evade-'));
  const file = join(dir, 'evade.log');
  // each From forges another address, so every line names two and none may ban
  const lines = Array.from(
    { length: 12 },
    (_, i) =>
      `[2026-11-25 10:00:${String(i).padStart(2, '0')}] NOTICE[1] res_pjsip/pjsip_distributor.c: Request 'REGISTER' from '<sip:1@x>' failed for '203.0.113.201:5060' (callid: a${i}) - Failed to authenticate' failed for '198.51.100.${i + 1}:5060' (callid: z) - Failed to authenticate`,
  );
  writeFileSync(file, lines.join('\n') + '\n');
  const r = pbxguard(['replay', file]);
  assert.equal(r.code, 0, r.err);
  assert.ok(!r.out.includes('No attacks found'), r.out);
  assert.match(r.out, /No attack found from an address pbxguard could be sure of, but 12 lines in attack formats named two addresses/);
  assert.match(r.out, /\(203\.0\.113\.201 is one of the two readings of 12 ambiguous lines\)/);
  assert.match(r.out, /Bans it would issue \(0\)/);
});

test('the same log given twice is warned about, whatever the files are named: each attempt in both counted twice', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pbxguard-twice-'));
  const warned = /warning: (\S+) and (\S+) hold the same events .*each attempt in both was counted twice/;
  // Asterisk's full and messages logs: the full one holds more lines, the same events
  const lines = readFileSync(DEMO, 'utf8');
  writeFileSync(join(dir, 'full'), lines);
  writeFileSync(join(dir, 'messages.1'), lines.split('\n').filter((l) => !l.includes(' VERBOSE[')).join('\n'));
  const r = pbxguard(['replay', join(dir, 'messages.1'), join(dir, 'full')]);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(warned.exec(r.out)?.slice(1), [join(dir, 'messages.1'), join(dir, 'full')]);
  assert.doesNotMatch(pbxguard(['replay', join(dir, 'full')]).out, warned);
  // sshd in auth.log (rsyslog's precise time) and in a journalctl -o short-iso export of the same
  // hour: the lines differ, the events are the same
  const at = (i: number) => `2026-11-25T10:${String(i).padStart(2, '0')}:07`;
  const msg = (i: number) => `sshd[${700 + i}]: Failed password for root from 203.0.113.${i % 4} port ${40000 + i} ssh2`;
  const auth = Array.from({ length: 40 }, (_, i) => `${at(i)}.${String(i * 7919).padStart(6, '0')}+00:00 pbx ${msg(i)}`);
  const journal = Array.from({ length: 20 }, (_, i) => `${at(i + 20)}+0000 pbx ${msg(i + 20)}`);
  writeFileSync(join(dir, 'auth.log'), auth.join('\n') + '\n');
  writeFileSync(join(dir, 'ssh-journal.txt'), journal.join('\n') + '\n');
  assert.deepEqual(warned.exec(pbxguard(['replay', join(dir, 'auth.log'), join(dir, 'ssh-journal.txt')]).out)?.slice(1), [join(dir, 'auth.log'), join(dir, 'ssh-journal.txt')]);
  // not the same log: another host's auth.log of the same hour (other connections), the rotated
  // files of one log, and the security log beside the messages log (one attempt in each, by design)
  writeFileSync(join(dir, 'other-host.log'), auth.map((l) => l.replace(/port 4/, 'port 5')).join('\n') + '\n');
  assert.doesNotMatch(pbxguard(['replay', join(dir, 'auth.log'), join(dir, 'other-host.log')]).out, warned);
  writeFileSync(join(dir, 'auth.log.1'), auth.slice(0, 20).join('\n') + '\n');
  writeFileSync(join(dir, 'auth.log.0'), auth.slice(20).join('\n') + '\n');
  assert.doesNotMatch(pbxguard(['replay', join(dir, 'auth.log.1'), join(dir, 'auth.log.0')]).out, warned);
  const split = lines.split('\n');
  writeFileSync(join(dir, 'security'), split.filter((l) => l.includes(' SECURITY[')).join('\n'));
  writeFileSync(join(dir, 'messages'), split.filter((l) => !l.includes(' SECURITY[')).join('\n'));
  assert.doesNotMatch(pbxguard(['replay', join(dir, 'messages'), join(dir, 'security')]).out, warned);
});

test("a web server's error log and access log given together count each wrong password once", () => {
  const dir = mkdtempSync(join(tmpdir(), 'pbxguard-web-'));
  const times = ['01', '02', '03'];
  writeFileSync(join(dir, 'error.log'), times.map((s) => `2026/11/25 10:00:${s} [error] 1234#1234: *${s} user "admin": password mismatch, client: 203.0.113.9, server: pbx, request: "GET /admin/ HTTP/1.1", host: "pbx"\n`).join(''));
  writeFileSync(join(dir, 'access.log'), times.map((s) => `203.0.113.9 - admin [25/Nov/2026:10:00:${s} +0000] "GET /admin/ HTTP/1.1" 401 179 "-" "Mozilla/5.0"\n`).join(''));
  const doc = jsonReport([join(dir, 'error.log'), join(dir, 'access.log')]);
  // three typos of an admin: six lines, three attempts, no ban (fail2ban's nginx-http-auth reads the error log only)
  assert.equal(doc.events.length, 6);
  assert.equal(doc.summary.attackAttempts, 3);
  assert.deepEqual(doc.decisions, []);
});

test("an access log's `-` is no user: a 403 without one names no account", () => {
  const r = pbxguard(['replay', '--format', 'jsonl', '-'], '203.0.113.12 - - [25/Nov/2026:10:00:01 +0000] "GET /.env HTTP/1.1" 403 199 "-" "Mozilla/5.0"\n');
  assert.equal(r.code, 0, r.err);
  const [event] = r.out.trim().split('\n').map((l) => JSON.parse(l) as { kind: string; account?: string });
  assert.equal(event?.kind, 'acl_denied');
  assert.equal(event.account, undefined);
});

test('a gzip file cut short is read up to the cut, with a warning, and the other files still count', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pbxguard-cut-'));
  const whole = demoLines.filter((l) => l !== '');
  // a stream without its end (no final block, no trailer), as a copy interrupted leaves it; the
  // text after its last newline is part of a line
  const cut = gzipSync(whole.join('\n') + "\n[2026-11-25 10:00:01] NOTICE[1] chan_sip.c: Registration from '<sip:1@x>' failed for '203.0", { finishFlush: constants.Z_SYNC_FLUSH });
  writeFileSync(join(dir, 'messages.1.gz'), cut);
  writeFileSync(join(dir, 'other.log'), "[2026-11-25 10:30:00] NOTICE[1] chan_sip.c: Registration from '<sip:9@x>' failed for '192.0.2.99:5060' - Wrong password\n");
  const doc = jsonReport([join(dir, 'messages.1.gz'), join(dir, 'other.log')]);
  assert.equal(doc.summary.files[0]!.lines, whole.length);
  assert.equal(doc.summary.files[0]!.truncated, true);
  assert.ok(doc.summary.warnings.some((w) => /messages\.1\.gz: the gzip data ends early .*: its \d+ lines up to there were read/.test(w)), doc.summary.warnings.join('\n'));
  assert.ok(doc.events.some((e) => e.ip === '192.0.2.99'));
});

test("sshd's Invalid user line is no attempt of its own: the passwords tried count, or the connection's close if it tried none", () => {
  const log = [
    'Nov 25 10:00:01 pbx sshd[2001]: Invalid user admin from 203.0.113.5 port 40000',
    'Nov 25 10:00:02 pbx sshd[2001]: Failed password for invalid user admin from 203.0.113.5 port 40000 ssh2',
    'Nov 25 10:00:03 pbx sshd[2001]: Connection closed by invalid user admin 203.0.113.5 port 40000 [preauth]',
    'Nov 25 10:00:04 pbx sshd[2002]: Invalid user test from 203.0.113.5 port 40001',
    'Nov 25 10:00:05 pbx sshd[2002]: Connection closed by invalid user test 203.0.113.5 port 40001 [preauth]',
  ];
  const doc = jsonReport(['-'], log.join('\n') + '\n');
  assert.equal(doc.summary.attackAttempts, 2);
  assert.deepEqual(doc.summary.topAccounts.map((a) => [a.account, a.attempts]).sort(), [['admin', 1], ['test', 1]]);
});

test("sshd's reason lines (PAM error, AllowUsers refusal) are no attempts of their own: three typos and a login are no crack", () => {
  const typo = (s: number) => [
    `Nov 20 10:00:0${s} pbx sshd[9001]: error: PAM: Authentication failure for admin from 192.0.2.95`,
    `Nov 20 10:00:0${s} pbx sshd[9001]: Failed keyboard-interactive/pam for admin from 192.0.2.95 port 40001 ssh2`,
  ];
  const log = [
    ...typo(1),
    ...typo(2),
    ...typo(3),
    'Nov 20 10:00:05 pbx sshd[9001]: Accepted keyboard-interactive/pam for admin from 192.0.2.95 port 40001 ssh2',
    'Nov 20 10:01:00 pbx sshd[9002]: User root from 192.0.2.98 not allowed because not listed in AllowUsers',
    'Nov 20 10:01:03 pbx sshd[9002]: Failed password for invalid user root from 192.0.2.98 port 41000 ssh2',
  ];
  const doc = jsonReport(['-'], log.join('\n') + '\n');
  assert.equal(doc.summary.attackAttempts, 4);
  assert.deepEqual(doc.decisions, []);
});

test("one FreePBX 14 login whose user name holds line breaks cannot get another address banned", () => {
  // what file_put_contents writes for the user name `admin from 198.51.100.7\n[…] Authentication
  // failure for admin from 198.51.100.7\n…\n[…] Authentication failure for x`, sent from 203.0.113.99
  const forged = Array.from({ length: 6 }, (_, i) => `[2026-11-25 10:00:0${i + 1}] Authentication failure for admin from 198.51.100.7`);
  const tagged = Array.from({ length: 6 }, (_, i) => `[2026-11-25 10:00:0${i + 1}] [freepbx_security.NOTICE]: Authentication failure for admin from 198.51.100.8 [] []`);
  // and lines of any other log's format, which the same user name can write as well
  const sshd = Array.from({ length: 6 }, (_, i) => `Nov 25 10:00:0${i + 1} pbx sshd[4242]: Failed password for root from 198.51.100.9 port 5000${i} ssh2`);
  const sip = Array.from({ length: 6 }, (_, i) => `[2026-11-25 10:00:0${i + 1}] NOTICE[1234] chan_sip.c: Registration from '<sip:100@pbx>' failed for '192.0.2.77:5060' - Wrong password`);
  const doc = jsonReport(['-'], [...forged, ...tagged, ...sshd, ...sip, '[2026-11-25 10:00:01] Authentication failure for x from 203.0.113.99'].join('\n') + '\n');
  assert.equal(doc.events.length, 25);
  assert.deepEqual(doc.decisions, []);
  assert.equal(doc.summary.attackAttempts, 0);
  // FreePBX 15 and later: tagged lines only, counted
  assert.equal(jsonReport(['-'], tagged.join('\n') + '\n').decisions.length, 1);
});

test("FreePBX's bare form is read only in FreePBX's own log: in another log it is someone's text, and switches nothing off", () => {
  // a SIP packet written into Asterisk's full log by `sip set debug on` holds lines in FreePBX's
  // form: they name no attempt, and must not mark the file forgeable (the real attack after them
  // still bans)
  const injected = Array.from({ length: 6 }, (_, i) => `[2026-11-25 10:00:0${i + 1}] Authentication failure for admin from 198.51.100.7`);
  const attack = demoLines.filter((l) => l.startsWith('['));
  const doc = jsonReport(['-'], [attack[0]!, ...injected, ...attack.slice(1)].join('\n') + '\n');
  assert.ok(!doc.events.some((e) => e.ip === '198.51.100.7'), 'no FreePBX event from the injected lines');
  assert.ok(doc.decisions.length >= 5, `${doc.decisions.length} decisions: the rest of the log still counts`);
  // a file is told by its head, the same for every thread that parses a part of it
  const dir = mkdtempSync(join(tmpdir(), 'pbxguard-bare-'));
  writeFileSync(join(dir, 'full'), [attack[0]!, ...injected, ...attack.slice(1)].join('\n') + '\n');
  assert.deepEqual(jsonReport([join(dir, 'full')]).decisions, doc.decisions);
  // Asterisk's own first line of a file it opens (start, logger rotate, FreePBX's reloads) is its
  // own, not FreePBX's bare form: the log is read in full
  const header = '[2026-11-25 09:57:59] Asterisk 18.20.2 built by mockbuild @ jenkins7 on a x86_64 running Linux on 2024-01-10 15:32:15 UTC';
  const withHeader = jsonReport(['-'], [header, ...attack, header, ...attack.map((l) => l.replace('[2026-11-25 09:', '[2026-11-25 11:'))].join('\n') + '\n');
  assert.equal(withHeader.summary.attackAttempts, 2 * jsonReport([DEMO]).summary.attackAttempts);
  // a SIP packet SIP debugging wrote into the full log: the lines after it may be forged, and the
  // warning says to give the messages log
  const packet = ['[2026-11-25 09:59:00] VERBOSE[1] res_pjsip_logger.c: <--- Received SIP request (300 bytes) from UDP:192.0.2.1:5060 --->', 'MESSAGE sip:pbx SIP/2.0', 'Via: SIP/2.0/UDP 192.0.2.1:5060', ''];
  const debug = pbxguard(['replay', '--format', 'json', '-'], [...attack.slice(0, 20), ...packet, ...attack.slice(20)].join('\n') + '\n');
  assert.match(debug.err, /stdin: \d+ events from line 21 on not counted towards bans, nor as attempts: the file holds SIP packets that SIP debugging wrote into it .*give the messages log, which holds none of SIP debugging's packets/);
  // the marker is Asterisk's, before the packet, whatever case the packet's first line is in
  const lower = pbxguard(['replay', '--format', 'json', '-'], [...attack.slice(0, 20), packet[0]!, 'message sip:pbx sip/2.0', ...attack.slice(20)].join('\n') + '\n');
  assert.match(lower.err, /stdin: \d+ events from line 21 on not counted/);
  // a packet pjproject could not parse, which it copies into the log unasked (older releases): a
  // scanner's malformed packet must not stop the counting of what follows
  const malformed = ['[2026-11-25 09:59:00] ERROR[52127] pjproject: \tsip_transport.c Error processing 60 bytes packet from UDP 203.0.113.5:5060 : PJSIP syntax error exception when parsing \'Via\' header on line 2 :', 'REGISTER sip:pbx SIP/2.0', 'Via: broken', '', '-- end of packet.'];
  const scanned = jsonReport(['-'], [...attack.slice(0, 20), ...malformed, ...attack.slice(20)].join('\n') + '\n');
  assert.equal(scanned.summary.attackAttempts, jsonReport([DEMO]).summary.attackAttempts);
  // the same lines first in a file: FreePBX's own log, read (and FreePBX 14's form, never counted)
  const own = jsonReport(['-'], injected.join('\n') + '\n');
  assert.equal(own.events.filter((e) => e.ip === '198.51.100.7').length, 6);
  assert.deepEqual(own.decisions, []);
});

test('a file with no line in a format pbxguard reads is named in a warning', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pbxguard-foreign-'));
  const file = join(dir, 'services');
  writeFileSync(file, 'ssh             22/tcp\nsip             5060/udp\n\n');
  const r = pbxguard(['replay', file]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /warning: .*services: none of its lines is in a log format pbxguard reads \(Asterisk, syslog or journal, Apache, nginx\), such as "ssh {13}22\/tcp"/);
  // a real log is not warned about
  assert.doesNotMatch(pbxguard(['replay', DEMO]).out, /none of its lines|in no log format/);
  // journalctl's other exports say what they are, and what to give instead
  writeFileSync(file, '{"__CURSOR":"s=1","MESSAGE":"Failed password for root from 192.0.2.1 port 22 ssh2","SYSLOG_IDENTIFIER":"sshd"}\n');
  assert.match(pbxguard(['replay', file]).out, /none of its lines .*such as "\{"__CURSOR".*\(journalctl -o json: export with -o short-iso instead\)/);
  writeFileSync(file, '-- No entries --\n');
  assert.match(pbxguard(['replay', file]).out, /journalctl matched no entries: is the unit's name right\? Debian's sshd is ssh\.service/);
  // part of a file unread: sshd's lines of a journalctl -o cat export, beside Asterisk's it reads
  const ast = demoLines.filter((l) => l.startsWith('[')).slice(0, 60);
  const sshd = Array.from({ length: 12 }, (_, i) => `Failed password for root from 203.0.113.10 port ${40000 + i} ssh2`);
  writeFileSync(file, [...ast, ...sshd].join('\n') + '\n');
  assert.match(pbxguard(['replay', file]).out, /services: 12 of its 72 lines are in no log format pbxguard reads, such as "Failed password for root from 203\.0\.113\.10 port 40000 ssh2" \(if this is a journalctl export: -o cat leaves out the program name pbxguard places lines by, export with -o short-iso\)/);
  // Asterisk's full log with SIP debugging on: its packets are no lines to read, and that is said
  const debug = [`[2026-11-25 10:00:01] VERBOSE[1] res_pjsip_logger.c: <--- Received SIP request (500 bytes) from UDP:192.0.2.1:5060 --->`, 'REGISTER sip:pbx SIP/2.0', 'Via: SIP/2.0/UDP 192.0.2.1:5060', ''];
  writeFileSync(file, Array.from({ length: 5 }, () => debug.join('\n')).join('\n') + '\n');
  assert.match(pbxguard(['replay', file]).out, /such as "REGISTER sip:pbx SIP\/2\.0" \(SIP packets, as `sip set debug on` or `pjsip set logger on` write them into the log: a packet's text is its sender's, and lines in it shaped like Asterisk's are read as Asterisk's; give the messages log/);
  // chan_sip's debug output starts a packet with its own marker line
  writeFileSync(file, Array.from({ length: 12 }, () => `[2026-11-25 10:00:01] VERBOSE[1] chan_sip.c: \n<--- SIP read from UDP:192.0.2.1:5060 --->\nREGISTER sip:pbx SIP/2.0\n<------------->`).join('\n') + '\n');
  assert.match(pbxguard(['replay', file]).out, /such as "<--- SIP read from UDP:192\.0\.2\.1:5060 --->" \(SIP packets/);
  // an empty file
  writeFileSync(file, '');
  assert.match(pbxguard(['replay', file]).out, /warning: .*services is empty: no lines were read/);
});

test("rsyslog's collapsed repeats of an sshd line count as the attempts they stand for, and only sshd's", () => {
  const dir = mkdtempSync(join(tmpdir(), 'pbxguard-repeats-'));
  const file = join(dir, 'auth.log');
  const lines = [
    'Nov 25 10:00:00 pbx sshd[800]: Failed password for root from 203.0.113.9 port 40001 ssh2',
    'Nov 25 10:00:06 pbx sshd[800]: message repeated 4 times: [ Failed password for root from 203.0.113.9 port 40001 ssh2]',
    // another program's text may start with what a client wrote: not unwrapped, though a rule reads what is inside
    'Nov 25 10:00:09 pbx apache2[5]: message repeated 9 times: [ [auth_basic:error] [pid 5] [client 198.51.100.9:1] AH01618: user x not found: /admin]',
    // a count is bounded
    'Nov 25 10:00:10 pbx sshd[801]: message repeated 500 times: [ Failed password for root from 203.0.113.10 port 40002 ssh2]',
  ];
  writeFileSync(file, lines.join('\n') + '\n');
  const r = pbxguard(['replay', '-f', 'jsonl', file]);
  assert.equal(r.code, 0, r.err);
  const objs = r.out.trim().split('\n').map((l) => JSON.parse(l) as { ip?: string; line?: number; decision?: string });
  const events = objs.filter((o) => o.decision === undefined);
  assert.deepEqual(
    events.map((e) => [e.ip, e.line]),
    [['203.0.113.9', 1], ...Array.from({ length: 4 }, () => ['203.0.113.9', 2]), ...Array.from({ length: 100 }, () => ['203.0.113.10', 4])],
  );
  // five attempts within ten minutes: a ban, and one for the bounded flood
  assert.equal(objs.filter((o) => o.decision === 'ban').length, 2);
  // the same line unwrapped is an event: only the wrapping kept it out
  const inner = join(dir, 'apache.log');
  writeFileSync(inner, 'Nov 25 10:00:09 pbx apache2[5]: [auth_basic:error] [pid 5] [client 198.51.100.9:1] AH01618: user x not found: /admin\n');
  assert.match(pbxguard(['replay', '-f', 'jsonl', inner]).out, /"ip":"198\.51\.100\.9"/);
});

test('a reader that closes the pipe early (| head) stops the replay quietly', () => {
  // enough events that the output outgrows the pipe's buffer long before the end
  const dir = mkdtempSync(join(tmpdir(), 'pbxguard-epipe-'));
  const log = join(dir, 'big.log');
  const attack = demoLines.filter((l) => l.includes('failed for')).join('\n') + '\n';
  writeFileSync(log, attack.repeat(Math.ceil(4_000_000 / attack.length)));
  // pipefail: the pipeline fails when pbxguard does
  const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" --import tsx src/bin/pbxguard.ts replay --format jsonl "${log}" | head -n 1`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.split('\n').filter((l) => l.startsWith('{')).length, 1);
  assert.equal(r.stderr, '', 'no stack trace');
});

test('a pipe (process substitution) is read like a file, gzip or not', () => {
  const plain = pbxguard(['replay', '--format', 'jsonl', DEMO]);
  for (const producer of [`cat ${DEMO}`, `gzip -c ${DEMO}`]) {
    const r = spawnSync('bash', ['-c', `"${process.execPath}" --import tsx src/bin/pbxguard.ts replay --format jsonl <(${producer})`], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
    assert.equal(r.status, 0, r.stderr);
    // the same events and decisions; only the file name differs (/dev/fd/N)
    const strip = (s: string) => s.replace(/"file":"[^"]*",/g, '');
    assert.equal(strip(r.stdout), strip(plain.out), producer);
  }
});

test('a file or stdin given twice is a usage error, not counted twice', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'pbxguard-twice-'));
  const copy = join(tmp, 'a.log');
  const hard = join(tmp, 'hard.log');
  writeFileSync(copy, readFileSync(DEMO));
  linkSync(copy, hard);
  for (const args of [[DEMO, `./${DEMO}`], ['-', '-'], ['-', '/dev/stdin'], [copy, hard]]) {
    const r = pbxguard(['replay', ...args], '');
    assert.equal(r.code, 2);
    assert.match(r.err, /given twice/);
  }
  const dir = pbxguard(['replay', 'demo']);
  assert.equal(dir.code, 2);
  assert.match(dir.err, /demo: a directory/);
});

test('--format json stays one valid document when an input fails, and says why', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pbxguard-json-error-'));
  const bad = join(dir, 'cut.gz');
  // a gzip header, then a deflate block of the reserved type (a file cut short is read up to the cut instead)
  writeFileSync(bad, Buffer.concat([gzipSync(Buffer.from(demoLines.join('\n'))).subarray(0, 10), Buffer.from([0x07, 0, 0, 0])]));
  const r = pbxguard(['replay', '--format', 'json', DEMO, bad]);
  assert.equal(r.code, 2);
  const doc = JSON.parse(r.out) as { events: unknown[]; error: string };
  assert.ok(doc.events.length > 40);
  assert.match(doc.error, /cut\.gz/);
});

test("the host's own address is marked in the report as never banned", () => {
  const fop2 = Array.from({ length: 2 }, (_, i) => `[2026-11-25 10:00:0${i}] NOTICE[7] manager.c: 127.0.0.1 tried to authenticate with nonexistent user 'fop2'`);
  assert.match(pbxguard(['replay', '--no-color', '-'], fop2.join('\n') + '\n').out, /^ {2}127\.0\.0\.1 +2 {2}ami +accounts: fop2 {2}\(loopback: never banned\)$/m);
});

test('an allowlisted address that cracks an account is still reported, only not banned', () => {
  const r = pbxguard(['replay', '--allow', '2001:db8:bad::/48', DEMO]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /Alerts \(1\)[\s\S]*2001:db8:bad::9 {2}pjsip: account 1004 logged in after 8 failures.*\(allowlisted address: not banned\)/);
  assert.ok(!/Bans it would issue[\s\S]*2001:db8:bad::9\s+1d/.test(r.out), 'no ban for the allowlisted address');
});

test("a log's files are read in the order of their times (the shell's messages* gives them newest first); files overlapping in time are warned about", () => {
  const dir = mkdtempSync(join(tmpdir(), 'pbxguard-rotated-'));
  const lines = demoLines.filter((l) => l.startsWith('['));
  const half = Math.floor(lines.length / 2);
  const older = join(dir, 'messages.1');
  const newer = join(dir, 'messages');
  writeFileSync(older, lines.slice(0, half).join('\n') + '\n');
  writeFileSync(newer, lines.slice(half).join('\n') + '\n');
  const right = pbxguard(['replay', '--format', 'jsonl', older, newer]);
  assert.equal(right.err, '');
  const given = pbxguard(['replay', '--format', 'jsonl', newer, older]);
  assert.equal(given.err, '');
  assert.equal(given.out, right.out);
  assert.match(pbxguard(['replay', '--no-color', newer, older]).out, new RegExp(`\\(files read in this order \\(Asterisk's security log first, each log's files by their first lines' times\\): ${older} ${newer}\\)`));
  assert.doesNotMatch(pbxguard(['replay', '--no-color', older, newer]).out, /files read in this order/);
  // Asterisk's rotatestrategy = sequential numbers the newest highest: its names are no guide
  cpSync(older, join(dir, 'messages.0'));
  cpSync(newer, join(dir, 'messages.7'));
  const sequential = pbxguard(['replay', '--format', 'jsonl', join(dir, 'messages.7'), join(dir, 'messages.0')]);
  assert.equal(sequential.out.replaceAll('messages.0', 'messages.1').replaceAll('messages.7', 'messages'), right.out);
  // files of one log overlapping in time: read one after the other, and warned about
  const copy = join(dir, 'messages.2');
  writeFileSync(copy, [...lines.slice(0, half), lines.find((l) => l.includes(' failed for '))!.replace(/^\[2026-11-25 \d\d:\d\d:\d\d\]/, '[2026-11-25 10:30:00]')].join('\n') + '\n');
  const overlap = pbxguard(['replay', '--format', 'jsonl', copy, newer]);
  assert.equal(overlap.code, 0, overlap.err);
  assert.match(overlap.err, /warning: .*messages starts \(2026-11-25T09:5\d:\d\dZ\) before .*messages\.2 ends .*overlap in time .*a burst across them may have been missed/);
  // two different logs of the same hours (messages, security): no warning
  const security = join(dir, 'security');
  writeFileSync(security, lines.slice(0, half).join('\n') + '\n');
  assert.equal(pbxguard(['replay', '--format', 'jsonl', newer, security]).err, '');
});

test("--timezone reads times without a UTC offset in the PBX's zone; the report names the zone it used", () => {
  const dir = mkdtempSync(join(tmpdir(), 'pbxguard-tz-'));
  const file = join(dir, 'messages');
  writeFileSync(file, `[2026-11-25 10:00:01] NOTICE[1] chan_sip.c: Registration from '<sip:1@x>' failed for '203.0.113.7:5060' - Wrong password\n`);
  const at = (args: string[]) => (JSON.parse(pbxguard(['replay', '-f', 'jsonl', ...args, file]).out) as { at: string }).at;
  // the tests run in UTC
  assert.equal(at([]), '2026-11-25T10:00:01.000Z');
  assert.equal(at(['--timezone', 'Europe/Berlin']), '2026-11-25T09:00:01.000Z');
  // spelled as the zone database does, whatever the case given
  assert.equal(at(['--timezone', 'america/new_york']), '2026-11-25T15:00:01.000Z');
  assert.match(pbxguard(['replay', '--no-color', '--timezone', 'Europe/Berlin', file]).out, /2026-11-25 10:00:01 to 2026-11-25 10:00:01 \(Europe\/Berlin\)/);
  assert.match(pbxguard(['replay', '--no-color', file]).out, /2026-11-25 10:00:01 \(UTC\)/);
  const bad = pbxguard(['replay', '--timezone', 'CEST+1', file]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /not a time zone name: "CEST\+1" \(an IANA name such as Europe\/Berlin/);
});

test("Asterisk's security log is read first, whatever the order given: its logins make an office trusted for its phones' failures", () => {
  const dir = mkdtempSync(join(tmpdir(), 'pbxguard-office-'));
  const at = (s: number) => new Date(Date.UTC(2026, 10, 25, 8, 0, s)).toISOString().replace('T', ' ').slice(0, 19);
  const office = '203.0.113.10';
  const login = (s: number, account: string) => `[${at(s)}] SECURITY[4099] res_security_log.c: SecurityEvent="SuccessfulAuth",EventTV="x",Severity="Informational",Service="PJSIP",EventVersion="1",AccountID="${account}",SessionID="reg-${account}",LocalAddress="IPV4/UDP/192.0.2.10/5060",RemoteAddress="IPV4/UDP/${office}/5060",UsingPassword="1"`;
  const refused = (s: number) => `[${at(s)}] SECURITY[4099] res_security_log.c: SecurityEvent="ChallengeResponseFailed",EventTV="x",Severity="Error",Service="PJSIP",EventVersion="1",AccountID="1005",SessionID="s${s}",LocalAddress="IPV4/UDP/192.0.2.10/5060",RemoteAddress="IPV4/UDP/${office}/5060",Challenge="c",Response="r",ExpectedResponse=""`;
  const failed = (s: number) => `[${at(s)}] NOTICE[4105] res_pjsip/pjsip_distributor.c: Request 'REGISTER' from '"1005" <sip:1005@192.0.2.10>' failed for '${office}:5060' (callid: c${s}) - Failed to authenticate`;
  // four phones log in, then a fifth with a stale password retries every 45 s: 14 in 10 minutes,
  // under a trusted address's raised limit (20)
  const retries = Array.from({ length: 20 }, (_, i) => 60 + 45 * i);
  // each file starts with the line Asterisk writes first in every file it opens
  const header = `[${at(0)}] Asterisk 18.20.2 built by mockbuild @ jenkins7 on a x86_64 running Linux on 2024-01-10 15:32:15 UTC`;
  writeFileSync(join(dir, 'security'), [header, ...['1001', '1002', '1003', '1004'].map((a) => login(0, a)), ...retries.map(refused)].join('\n') + '\n');
  writeFileSync(join(dir, 'full'), [header, ...retries.map(failed)].join('\n') + '\n');
  for (const order of [['full', 'security'], ['security', 'full']]) {
    const doc = jsonReport(order.map((f) => join(dir, f)));
    assert.deepEqual(doc.decisions, [], `${order.join(' ')}: the office is not banned`);
  }
});

test('lines of one file that go back in time are warned about, and the hour the clocks go back is named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pbxguard-back-'));
  const line = (t: string, i: number) => `[${t}] NOTICE[1] chan_sip.c: Registration from '<sip:${i}@x>' failed for '203.0.113.7:5060' - Wrong password`;
  // Berlin: 2026-10-25 03:00 CEST is 02:00 CET; the second 02:00-02:59 are an hour after the first
  const file = join(dir, 'messages');
  writeFileSync(file, ['2026-10-25 02:54:00', '2026-10-25 02:58:00', '2026-10-25 02:01:00'].map(line).join('\n') + '\n');
  const berlin = spawnSync(process.execPath, ['--import', 'tsx', 'src/bin/pbxguard.ts', 'replay', '--no-color', file], { encoding: 'utf8', env: { ...process.env, TZ: 'Europe/Berlin' } });
  assert.equal(berlin.status, 0, berlin.stderr);
  assert.match(berlin.stdout, /messages: its lines go back in time by up to 57m \(to 2026-10-25T00:01:00Z\): .*the hour repeated when the clocks went back/);
  // in UTC the same text is an ordinary jump back, told without the daylight saving note
  const utc = pbxguard(['replay', '--no-color', file]);
  assert.match(utc.out, /messages: its lines go back in time by up to 57m \(to 2026-10-25T02:01:00Z\): windows counted them by their own times, but only those ending within a minute after such a line were judged \(a burst across the jump may have been missed\), and decisions came in the order read\n/);
  // threads logging up to a minute late are no jump
  writeFileSync(file, ['2026-11-25 10:00:30', '2026-11-25 10:00:00'].map(line).join('\n') + '\n');
  assert.doesNotMatch(pbxguard(['replay', file]).out, /go back in time/);
});

test('a rule pack of one\'s own without fingerprints.yaml is warned about: scanner tools would pass unrecognised', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pbxguard-pack-'));
  cpSync('rules', join(dir, 'rules'), { recursive: true });
  rmSync(join(dir, 'rules', 'fingerprints.yaml'));
  const r = pbxguard(['replay', '--rules', join(dir, 'rules'), DEMO]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /warning: .*rules: the rule pack has no fingerprints\.yaml: scanner tools .* were not recognised/);
  assert.doesNotMatch(pbxguard(['replay', '--rules', 'rules', DEMO]).out, /no fingerprints\.yaml/);
});

test('errors about files and options are shown escaped and point to the help, in every subcommand', () => {
  const r = pbxguard(['replay', 'no\u001b[31m\u001b]0;pwned\u0007.log']);
  assert.equal(r.code, 2);
  assert.ok(!r.err.includes('\u001b'), 'no raw ESC on stderr');
  assert.match(r.err, /no\\x1b\[31m.*: no such file/);
  const nested = pbxguard(['rules', 'list', '--bogus']);
  assert.equal(nested.code, 2);
  assert.match(nested.err, /^pbxguard: unknown option '--bogus'\n\(see: pbxguard rules list --help\)/);
});

test('an address\'s account list says it was cut only when more accounts were tried than it shows', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pbxguard-accounts-'));
  const line = (i: number, who: string) => `[2026-11-25 10:00:${String(i).padStart(2, '0')}] NOTICE[1] manager.c: 192.0.2.150 failed to authenticate as '${who}'`;
  for (const [n, cut] of [
    [8, false],
    [9, true],
  ] as const) {
    const file = join(dir, `${n}.log`);
    writeFileSync(file, Array.from({ length: n }, (_, i) => line(i, `user${i}`)).join('\n') + '\n');
    const r = pbxguard(['replay', file]);
    const row = r.out.split('\n').find((l) => l.includes('192.0.2.150') && l.includes('accounts:'))!;
    assert.equal(row.endsWith(', …'), cut, row);
  }
});

test('a file that is not text replays with a warning that says so', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pbxguard-binary-'));
  const bin = join(dir, 'core');
  // bytes as an executable or a core file holds them, a NUL every few
  writeFileSync(bin, Buffer.from(Array.from({ length: 20_000 }, (_, i) => (i % 5 === 0 ? 0 : 0x41 + (i % 26)))));
  const jsonl = pbxguard(['replay', '--format', 'jsonl', bin]);
  assert.equal(jsonl.code, 0, jsonl.err);
  assert.match(jsonl.err, /warning: .*core does not look like a log: 820 of its first 4096 bytes are control bytes/);
  assert.match(pbxguard(['replay', bin]).out, /warning: .*core does not look like a log/);
  // a log with the odd NUL or escape is no binary
  assert.equal(pbxguard(['replay', '--format', 'jsonl', DEMO]).err, '');
  // what logs are often kept in, said by name with the command that reads them (one sshd line each,
  // made by xz, bzip2 and zstd; a journal file's header)
  const kept: Array<[string, Buffer, RegExp]> = [
    ['auth.log.xz', Buffer.from('/Td6WFoAAATm1rRGAgAhARYAAAB0L+Wj4ABRAE9dACcbysIBHQXrArFr6eVdCXwjjsfBvZHdZMjSN14GyrDOkB1u2xAViVSsQguonqFt44qfzJsHzaOEKCi+O4bo7eUh/x3ka7tlmOsruhL9ZAAAAMT3nNbsbwnbAAFrUp836iMftvN9AQAAAAAEWVo=', 'base64'), /auth\.log\.xz is xz-compressed \(pbxguard reads gzip only\): xzcat \S+auth\.log\.xz \| pbxguard replay -/],
    ['auth.log.bz2', Buffer.from('QlpoOTFBWSZTWTDTxScAABPfgAAQQAFyMAEBAAo3Zt3AIABQoAAAAANU2jU2k09QyDRhDz7raM2siKphgVUGbQ1RKj+DMNfygdJTnYb0WsBce2ugviLrwyIGRQBCBI4Fj8XckU4UJAw08UnA', 'base64'), /is bzip2-compressed .*: bzcat /],
    ['auth.log.zst', Buffer.from('KLUv/SRSXQIAIsURGKC1Of9sAqbyuXREebWwLINEyZJs75fnCkOuXWe66ZnRpDmTBVpwVW6/Wq+c9IRdxJyWAAAZPgkiae26oDDjnbtzaCI9+BEAsnlEVg==', 'base64'), /is zstd-compressed .*: zstdcat /],
    ['system.journal', Buffer.concat([Buffer.from('LPKSHHRH'), Buffer.alloc(4096)]), /system\.journal is a binary systemd journal: journalctl --file \S+system\.journal -o short-iso \| pbxguard replay -/],
  ];
  for (const [name, bytes, warned] of kept) {
    writeFileSync(join(dir, name), bytes);
    assert.match(pbxguard(['replay', '--format', 'jsonl', join(dir, name)]).err, warned);
  }
  // and its bytes are not quoted again as lines in no known format
  assert.doesNotMatch(pbxguard(['replay', '--format', 'jsonl', join(dir, 'auth.log.xz')]).err, /no log format/);
  // text that starts like bzip2's magic is text
  writeFileSync(join(dir, 'notes'), 'BZh is how bzip2 files start\n');
  assert.doesNotMatch(pbxguard(['replay', join(dir, 'notes')]).out, /compressed/);
});

test('a long replay shows a progress bar on a terminal, and none with --no-progress or off a terminal', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pbxguard-progress-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const big = join(dir, 'big.log');
  const block = demoLines.join('\n') + '\n';
  writeFileSync(big, block.repeat(Math.ceil(21e6 / block.length)));
  // `script` (util-linux) gives the command a terminal and copies what it shows to its own stdout
  const quoted = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  const onTerminal = (extra: string[]) => {
    const cmd = [process.execPath, '--import', 'tsx', 'src/bin/pbxguard.ts', 'replay', '--format', 'jsonl', ...extra, big].map(quoted).join(' ') + ' > /dev/null';
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
    assert.ifError(r.error);
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };
  assert.match(onTerminal([]), /replay \[.*\] 100% 2\d\/2\d MB/);
  assert.doesNotMatch(onTerminal(['--no-progress']), /replay \[/);
  // what matters to whoever redirects stderr to a file: nothing but warnings and errors in it
  assert.equal(pbxguard(['replay', '--format', 'jsonl', big]).err, '', 'nothing on stderr off a terminal');
});

test('rules test runs a pack of one\'s own, and says why a failing sample failed, with status 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pbxguard-pack-'));
  cpSync('rules', dir, { recursive: true });
  // a dropbear rule filed under the sshd family: its lines are syslog lines of another program
  const rule = [
    'rules:',
    '  - id: local/dropbear',
    '    log: sshd',
    '    service: ssh',
    '    kind: auth_failure',
    '    prefilter: Bad password',
    `    patterns: ["^Bad password attempt for '{ANY:account}' from {IP}:\\\\d+$"]`,
    '    samples:',
    `      - { line: "Nov 25 10:00:00 pbx dropbear[12]: Bad password attempt for 'root' from 198.51.100.3:5555", expect: { ip: 198.51.100.3 } }`,
    `      - { line: "Nov 25 10:00:00 pbx dropbear[12]: Good password for 'root' from 198.51.100.3:5555", expect: none }`,
    '',
  ];
  writeFileSync(join(dir, 'local.yaml'), rule.join('\n'));
  const failing = pbxguard(['rules', 'test', '--rules', dir]);
  assert.equal(failing.code, 1, failing.err);
  assert.match(failing.out, /FAIL local\/dropbear .*\n.*\n.*\n.*\n {2}why: no rules for syslog dropbear\n/);
  writeFileSync(join(dir, 'local.yaml'), rule.join('\n').replace('log: sshd', 'log: syslog\n    programs: [dropbear]'));
  const passing = pbxguard(['rules', 'test', '--rules', dir]);
  assert.equal(passing.code, 0, passing.out);
  assert.match(passing.out, /0 failed\n$/);
});
