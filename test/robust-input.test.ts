/** Hostile and broken input through the real reader and pipeline: nothing crashes, nothing is invented. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { SecurityEvent } from '../src/core/events.js';
import { loadRulePack } from '../src/parse/rules/load.js';
import { DECOY_CHECK_FROM, MAX_MULTI_ANY_INPUT } from '../src/parse/rules/compile.js';
import { runReplay } from '../src/replay/run-replay.js';
import { MAX_LINE_CHARS } from '../src/sources/line-reader.js';

const pack = await loadRulePack();
const dir = mkdtempSync(join(tmpdir(), 'pbxguard-robust-'));
const ATTACK = (ip: string) => `[2026-11-25 10:00:01] NOTICE[1] chan_sip.c: Registration from '<sip:1@x>' failed for '${ip}' - Wrong password`;

async function replayBytes(name: string, data: Buffer | string): Promise<{ events: SecurityEvent[]; summary: Awaited<ReturnType<typeof runReplay>> }> {
  const path = join(dir, name);
  writeFileSync(path, data);
  const events: SecurityEvent[] = [];
  const summary = await runReplay({ files: [path], pack, sinks: [{ event: (e) => events.push(e) }] });
  return { events, summary };
}

test('a megabyte of random bytes is read without error and yields no address', async () => {
  const bytes = Buffer.alloc(1 << 20);
  let x = 12345;
  for (let i = 0; i < bytes.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  const { events, summary } = await replayBytes('random.bin', bytes);
  assert.equal(events.length, 0);
  assert.ok(summary.lines > 1000);
});

test('a line longer than the limit is skipped whole, so a forged ending cannot be read from its head', async () => {
  // the attacker pads a To header so the line's first 64 KiB end like a real failure line
  const head = `[2026-11-25 10:00:01] NOTICE[1] chan_sip.c: Registration from '<sip:1@x>`;
  const forged = `' failed for '203.0.113.66' - Wrong password`;
  const pad = 'A'.repeat(MAX_LINE_CHARS - head.length - forged.length);
  const line = head + pad + forged + `>' failed for '198.51.100.2' - Wrong password`;
  const big = ATTACK('198.51.100.1') + '\n' + line + '\n' + 'B'.repeat(1 << 20) + '\n' + ATTACK('198.51.100.3') + '\n';
  const { events, summary } = await replayBytes('long.log', big);
  assert.deepEqual(events.map((e) => e.ip), ['198.51.100.1', '198.51.100.3']);
  assert.equal(summary.files[0]!.oversized, 2);
  assert.equal(summary.files[0]!.lines, 4);
});

test('CRLF line ends, NUL bytes and invalid UTF-8 do not break the lines around them', async () => {
  const data = Buffer.concat([
    Buffer.from(ATTACK('198.51.100.1') + '\r\n'),
    Buffer.from([0x00, 0xff, 0xfe, 0xc3, 0x28, 0x0a]),
    Buffer.from(`[2026-11-25 10:00:01] NOTICE[1] chan_sip.c: Registration from '<sip:\u00ff`),
    Buffer.from([0xc3, 0x28, 0x00]),
    Buffer.from(`@x>' failed for '198.51.100.2' - Wrong password\n`),
    Buffer.from(ATTACK('198.51.100.3')), // no final newline: a truncated file still gives its last line
  ]);
  const { events } = await replayBytes('mixed.log', data);
  assert.deepEqual(events.map((e) => e.ip), ['198.51.100.1', '198.51.100.2', '198.51.100.3']);
});

test('gzip input is read like plain text; a corrupt gzip file is an input error naming the file, one cut short is read up to the cut', async () => {
  const plain = [1, 2, 3].map((i) => ATTACK(`198.51.100.${i}`)).join('\n') + '\n';
  const { events } = await replayBytes('log.gz', gzipSync(plain));
  assert.equal(events.length, 3);
  // a gzip header, then a deflate block of the reserved type: data no compressor writes
  const corrupt = Buffer.concat([gzipSync(plain).subarray(0, 10), Buffer.from([0x07, 0x00, 0x00, 0x00])]);
  await assert.rejects(replayBytes('broken.gz', corrupt), (e: Error) => e.name === 'InputError' && e.message.includes('broken.gz: corrupt gzip data'));
  // without its 8-byte trailer: every line is there, and the file is noted as cut
  const cut = await replayBytes('cut.gz', gzipSync(plain).subarray(0, -8));
  assert.equal(cut.events.length, 3);
  assert.equal(cut.summary.files[0]!.truncated, true);
});

test('attacker text with ANSI escapes is kept verbatim in events (escaping is the printer’s job)', async () => {
  const line = `[2026-11-25 10:00:01] NOTICE[1] manager.c: 198.51.100.9 failed to authenticate as '\u001b[2J\u001b[31mroot'`;
  const { events } = await replayBytes('ansi.log', line + '\n');
  assert.equal(events[0]?.account, '\u001b[2J\u001b[31mroot');
});

test('UTF-8 account names survive the byte-per-char reading intact', async () => {
  const line = `[2026-11-25 10:00:01] NOTICE[1] manager.c: 198.51.100.9 failed to authenticate as 'Müller-Негодяй'`;
  const { events } = await replayBytes('utf8.log', line + '\n');
  assert.equal(events[0]?.account, 'Müller-Негодяй');
});

test('lines built of decoys to make the patterns backtrack are refused in bounded time, and counted', async () => {
  const lines: string[] = [];
  let long = 0;
  let readLong = 0;
  // `read`: the format has one stretch of attacker text only, so its pattern runs in linear time on
  // any length and a long line is read, not refused
  const add = (prefix: string, unit: string, tail: string, read = false) => {
    // short enough to run, just under the longest message a pattern is run on, and far past it
    const under = Math.floor((MAX_MULTI_ANY_INPUT - prefix.length) / unit.length);
    for (const n of [3, 40, under, 1000]) {
      const line = prefix + unit.repeat(n) + tail;
      // the lines a backtracking regex takes long on: 100 of each
      const copies = n === under ? 100 : 1;
      for (let i = 0; i < copies; i++) lines.push(line);
      // lines over 64 KiB are not even read (oversized); the other long ones are counted as not read
      if (line.length > DECOY_CHECK_FROM && line.length <= MAX_LINE_CHARS) {
        if (read) readLong += copies;
        else long += copies;
      }
    }
  };
  // each repeats the literals of one format, with its real ending, so that every split point looks
  // possible: a pjsip one took 21 ms at 8 kB before the decoy check, 7 s at 47 kB before any bound
  const T = '[2026-11-25 10:00:01] ';
  add(`${T}NOTICE[1] res_pjsip/pjsip_distributor.c: Request '`, "' from '' failed for '1.2.3.4:5' (callid: ) - x", ') - Failed to authenticate');
  add(`${T}NOTICE[1] res_pjsip/pjsip_distributor.c: Request 'R' from '`, "' failed for '1.2.3.4:5' (callid: ", ') - Failed to authenticate');
  // chan_sip's caller is empty or a peer's name, so only the dialled extension holds the decoys
  add(`${T}NOTICE[1] chan_sip.c: Call from '`, "' (1.2.3.4:5) to extension '", "' rejected because extension not found in context 'x'.", true);
  const security = `${T}SECURITY[1] res_security_log.c: SecurityEvent=`;
  add(`${security}"ChallengeResponseFailed",EventTV="1",Severity="Error",Service="PJSIP",EventVersion="1",AccountID="`, '",SessionID="",LocalAddress="x",RemoteAddress="IPV4/UDP/1.2.3.4/5",Challenge="",Response="', '",ExpectedResponse=""');
  add(`${security}"InvalidPassword",EventTV="1",Severity="Error",Service="PJSIP",EventVersion="2",AccountID="`, '",SessionID="",LocalAddress="IPV4/UDP/1.2.3.4/5",RemoteAddress="IPV4/UDP/1.2.3.4/5",Challenge="', '",ReceivedChallenge="",ReceivedHash=""');
  const started = performance.now();
  const { events, summary } = await replayBytes('decoys.log', lines.join('\n') + '\n');
  const ms = performance.now() - started;
  // ~1 ms a line at most now; 500 lines of ~8 kB took ~6 s before
  assert.ok(ms < 1500, `took ${ms.toFixed(0)} ms`);
  assert.ok(events.every((e) => e.ip === undefined || e.ip === '1.2.3.4'));
  // none vanishes: every long one is counted as not read, and the report says so
  assert.equal(summary.files[0]!.tooLong, long);
  assert.ok(readLong > 100 && events.filter((e) => e.ruleId === 'asterisk/sip-call-unknown-extension' && e.ip === '1.2.3.4').length >= readLong);
  assert.ok(summary.warnings.join('\n').includes(`${long} lines in an attack format not read, over 8 KiB`), summary.warnings.join('\n'));
});

test('a security event with a Call-ID of thousands of chars is read, and one longer than Asterisk writes is counted', async () => {
  // res_pjsip's SessionID is the whole Call-ID, and Asterisk's logger takes messages up to 8 KiB
  const event = (sessionId: string) =>
    `[2026-11-25 10:00:01] SECURITY[1] res_security_log.c: SecurityEvent="InvalidAccountID",EventTV="2026-11-25T10:00:01.000+0000",Severity="Error",Service="PJSIP",EventVersion="1",AccountID="100",SessionID="${sessionId}",LocalAddress="IPV4/UDP/192.0.2.1/5060",RemoteAddress="IPV4/UDP/198.51.100.120/5060"`;
  const { events, summary } = await replayBytes('long-callid.log', [event('k'.repeat(3000)), event('k'.repeat(7000)), event('k'.repeat(MAX_MULTI_ANY_INPUT))].join('\n') + '\n');
  assert.deepEqual(
    events.map((e) => e.ip),
    ['198.51.100.120', '198.51.100.120'],
  );
  assert.equal(summary.files[0]!.tooLong, 1);
  assert.match(summary.warnings.join('\n'), /1 line in an attack format not read, over 8 KiB \(longer than its program writes\)/);
});

test('the NUL hole a copytruncate rotation leaves before the first line costs no line, with or without workers', async () => {
  const attacks = Array.from({ length: 6 }, (_, i) => ATTACK(`198.51.100.${i + 1}`)).join('\n') + '\n';
  for (const hole of [10, 8192, 200_000]) {
    const path = join(dir, `hole-${hole}.log`);
    writeFileSync(path, Buffer.concat([Buffer.alloc(hole), Buffer.from(attacks)]));
    for (const workers of [0, 1]) {
      const events: SecurityEvent[] = [];
      const summary = await runReplay({ files: [path], pack, workers, parallelMinBytes: 0, blockBytes: 4096, sinks: [{ event: (e) => events.push(e) }] });
      const label = `hole of ${hole} NULs, ${workers} workers`;
      assert.deepEqual(
        events.map((e) => [e.line, e.ip]),
        Array.from({ length: 6 }, (_, i) => [i + 1, `198.51.100.${i + 1}`]),
        label,
      );
      assert.deepEqual([summary.files[0]!.lines, summary.files[0]!.oversized], [6, 0], label);
      // a hole as long as the part judged is looked through, not taken for a binary file
      if (hole > 4096) assert.deepEqual(summary.warnings, [], label);
    }
  }
});

test('events from lines without a timestamp are dated with the file\'s time, never counted, and the summary says so', async () => {
  const journal = (ip: string) => `pbx sshd[7]: Failed password for root from ${ip} port 22 ssh2`;
  const { events, summary } = await replayBytes('undated.log', [journal('198.51.100.5'), ATTACK('198.51.100.6'), journal('198.51.100.7')].join('\n') + '\n');
  assert.deepEqual(
    events.map((e) => e.undated),
    [true, undefined, true],
  );
  assert.deepEqual([summary.files[0]!.undated, summary.files[0]!.tooLong], [2, 0]);
  assert.match(summary.warnings.join('\n'), /undated\.log: 2 events have no timestamp pbxguard reads in their lines and were dated with the file's modification time \(.*\) and not counted towards bans/);
  // a failure an hour for a day, exported without times (journalctl -o cat): all at the file's
  // time, which must not make them a burst
  const day = Array.from({ length: 24 }, () => journal('198.51.100.8'));
  assert.deepEqual((await replayBytes('undated-day.log', day.join('\n') + '\n')).summary.decisions, []);
  // the same lines with their times: an hour apart, no ban; five of them a minute apart, a ban
  const hourly = day.map((l, h) => `2026-11-25T${String(h).padStart(2, '0')}:00:00+00:00 ${l}`);
  assert.deepEqual((await replayBytes('hourly.log', hourly.join('\n') + '\n')).summary.decisions, []);
  const burst = day.slice(0, 5).map((l, m) => `2026-11-25T10:0${m}:00+00:00 ${l}`);
  assert.deepEqual(
    (await replayBytes('burst.log', burst.join('\n') + '\n')).summary.decisions.map((d) => [d.target, d.at]),
    [['198.51.100.8', Date.parse('2026-11-25T10:04:00Z')]],
  );
});

test("an Asterisk line in a dateformat pbxguard does not read takes its journal line's time", async () => {
  const msg = `NOTICE[1250] res_pjsip/pjsip_distributor.c: Request 'REGISTER' from '<sip:1@x>' failed for '192.0.2.201:5060' (callid: a) - Failed to authenticate`;
  const lines = ['[25/11/2026 11:01:00]', '[25.11.2026 11:01]'].map((own) => `2026-11-25T11:01:00+0100 pbx1 asterisk[1200]: ${own} ${msg}`);
  const { events, summary } = await replayBytes('dmy-journal.log', lines.join('\n') + '\n');
  assert.deepEqual(
    events.map((e) => [e.at, e.undated]),
    [
      [Date.parse('2026-11-25T10:01:00Z'), undefined],
      [Date.parse('2026-11-25T10:01:00Z'), undefined],
    ],
  );
  assert.deepEqual(summary.warnings, []);
  // Asterisk's own file in that dateformat: undated, and the warning quotes the time it could not read
  const own = await replayBytes('dmy.log', `[25/11/2026 11:01:00] ${msg}\n`);
  assert.deepEqual(own.events.map((e) => e.undated), [true]);
  assert.match(own.summary.warnings.join('\n'), /times such as "25\/11\/2026 11:01:00" are in a form pbxguard does not read \(Asterisk's dateformat in logger\.conf\?\)/);
});

test("FreePBX's log whose first 256 KiB hold no line in a known format is still told by its first such line", async () => {
  const junk = Array.from({ length: 3000 }, (_, i) => `PHP Warning:  Undefined array key ${i} in /var/www/html/admin/libraries/x.php on line ${i}`);
  const failures = Array.from({ length: 6 }, (_, i) => `[2025-Mar-14 10:00:0${i}] [freepbx_security.NOTICE]: Authentication failure for admin from 80.94.95.1 [] []`);
  const { summary } = await replayBytes('freepbx-junk.log', [...junk, ...failures].join('\n') + '\n');
  assert.deepEqual(
    summary.decisions.map((d) => d.target),
    ['80.94.95.1'],
  );
});

test('an Apache line padded with spaces still gives its address: the fixed prefix leaves no second reading', async () => {
  // a split on the space before the address once counted every space as a try and gave up
  const path = 'x '.repeat(400);
  const line = `[Sat Jul 20 21:45:28.890523 2013] [auth_basic:error] [pid 17540:tid 1] [client 203.0.113.9:51408] AH01617: user admin: authentication failure for "/admin/${path}": Password Mismatch`;
  const { events } = await replayBytes('apache-spaces.log', line + '\n');
  assert.deepEqual(
    events.map((e) => [e.kind, e.ip]),
    [['auth_failure', '203.0.113.9']],
  );
});

test('a From made of thousands of "sip" does not exhaust the stack and still gives the address', async () => {
  const line = `[2026-11-25 10:00:01] NOTICE[1] chan_sip.c: Registration from '${'sip'.repeat(20_000)}<sip:308@x>' failed for '198.51.100.4' - Wrong password`;
  const { events } = await replayBytes('sips.log', line + '\n');
  assert.equal(events[0]?.ip, '198.51.100.4');
  assert.equal(events[0]?.account, '308');
});
