/**
 * The parse workers of `replay` against the single-threaded reading: a mixed, hostile log must give
 * the same JSON lines, byte for byte, the same events and decisions, and the same summary, whatever
 * the number of workers and the block size.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Worker } from 'node:worker_threads';
import { test } from 'node:test';
import type { SecurityEvent } from '../src/core/events.js';
import { parseEnvelope } from '../src/parse/envelope.js';
import { BufferedOutput } from '../src/act/report/output.js';
import type { RunSummary } from '../src/pipeline/summary.js';
import { loadRulePack } from '../src/parse/rules/load.js';
import { runReplay } from '../src/replay/run-replay.js';
import { eventShare } from '../src/replay/parallel/density.js';
import { ParsePool } from '../src/replay/parallel/parse-pool.js';
import { MAX_SESSIONS } from '../src/parse/line-parser.js';

const pack = await loadRulePack();
const dir = mkdtempSync(join(tmpdir(), 'pbxguard-parallel-'));

// ---------------------------------------------------------------------------------------------
// The log: seeded, so every run of the test reads the same bytes.
// ---------------------------------------------------------------------------------------------

/** mulberry32: small, fast, and the same numbers on every platform */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const p2 = (n: number): string => String(n).padStart(2, '0');
const hms = (d: Date): string => `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
// timestamp text in each format (written from UTC fields; the reader takes most as local time, the same in every run)
const ast = (t: number): string => {
  const d = new Date(t);
  return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${hms(d)}`;
};
const sys = (t: number): string => {
  const d = new Date(t);
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${hms(d)}`;
};
const ngx = (t: number): string => {
  const d = new Date(t);
  return `${d.getUTCFullYear()}/${p2(d.getUTCMonth() + 1)}/${p2(d.getUTCDate())} ${hms(d)}`;
};
const clf = (t: number): string => {
  const d = new Date(t);
  return `${p2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${hms(d)} +0000`;
};
const apache = (t: number): string => {
  const d = new Date(t);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${p2(d.getUTCDate())} ${hms(d)} ${d.getUTCFullYear()}`;
};

interface Attempt {
  t: number;
  ip: string;
  account: string;
  port: number;
  pid: number;
  n: number;
}

/** Failed attempts, one format each: Asterisk messages and security log, sshd, nginx, apache, access logs, FreePBX. */
const ATTEMPTS: Array<(a: Attempt) => string> = [
  (a) => `[${ast(a.t)}] NOTICE[${a.pid}] chan_sip.c: Registration from '"${a.account}" <sip:${a.account}@192.0.2.10>' failed for '${a.ip}:${a.port}' - Wrong password`,
  (a) => `[${ast(a.t)}] NOTICE[${a.pid}] chan_sip.c: Registration from '<sip:${a.account}@192.0.2.10>' failed for '${a.ip}' - No matching peer found`,
  (a) => `[${ast(a.t)}] NOTICE[${a.pid}] res_pjsip/pjsip_distributor.c: Request 'REGISTER' from '"${a.account}" <sip:${a.account}@192.0.2.10>' failed for '${a.ip}:${a.port}' (callid: ${a.n}) - Failed to authenticate`,
  (a) =>
    `[${ast(a.t)}] SECURITY[${a.pid}] res_security_log.c: SecurityEvent="ChallengeResponseFailed",EventTV="${ast(a.t)}",Severity="Error",Service="PJSIP",EventVersion="1",AccountID="${a.account}",SessionID="s-${a.n}",LocalAddress="IPV4/UDP/192.0.2.10/5060",RemoteAddress="IPV${a.ip.includes(':') ? 6 : 4}/UDP/${a.ip}/${a.port}",Challenge="1764064801/0123abcd",Response="9f8e",ExpectedResponse=""`,
  (a) => `[${ast(a.t)}] NOTICE[${a.pid}] manager.c: ${a.ip} failed to authenticate as '${a.account}'`,
  (a) => `[${ast(a.t)}] NOTICE[${a.pid}] chan_iax2.c: Host ${a.ip} failed MD5 authentication for '${a.account}' (e7df7cd2ca07f4f1 != 53ac4bc41ee4ec77)`,
  (a) => `[${ast(a.t)}] NOTICE[${a.pid}][C-${a.n.toString(16).padStart(8, '0')}] chan_sip.c: Call from '' (${a.ip}:${a.port}) to extension '00972${a.n}${a.account}' rejected because extension not found in context 'default'.`,
  (a) => `${sys(a.t)} pbx sshd[${a.pid}]: Failed password for invalid user ${a.account} from ${a.ip} port ${a.port} ssh2`,
  (a) => `${sys(a.t)} pbx sshd[${a.pid}]: Failed password for root from ${a.ip} port ${a.port} ssh2`,
  (a) => `${sys(a.t)} pbx sshd[${a.pid}]: message repeated 3 times: [ Failed password for root from ${a.ip} port ${a.port} ssh2]`,
  (a) => `${sys(a.t)} pbx sshd-session[${a.pid}]: Connection closed by authenticating user root ${a.ip} port ${a.port} [preauth]`,
  (a) => `${ngx(a.t)} [error] 2865#0: *${a.n} user "${a.account}": password mismatch, client: ${a.ip}, server: pbx.example.com, request: "POST /admin/config.php HTTP/1.1", host: "pbx.example.com"`,
  (a) => `${a.ip} - ${a.account.replace(/\s/g, '_')} [${clf(a.t)}] "POST /admin/config.php HTTP/1.1" 401 381 "-" "curl/8.5.0"`,
  (a) => `${a.ip} - - [${clf(a.t)}] "GET /admin/config.php HTTP/1.1" 404 512 "-" "Mozilla/5.00 (Nikto/2.1.6) (Evasions:None) (Test:00${a.n % 10})"`,
  (a) => `[${apache(a.t)}] [error] [client ${a.ip}] user ${a.account} not found: /`,
  // FreePBX 15+'s form: 14's is forgeable, and nothing after it would count (its own test below)
  (a) => `[${ast(a.t)}] [freepbx_security.NOTICE]: Authentication failure for ${a.account} from ${a.ip} [] []`,
];

// mostly plain names (bursts must ban), some UTF-8 and some that need JSON escapes
const ACCOUNTS = ['1001', '1002', '100', '2000', 'admin', 'root', 'test', 'ü', 'Müller', 'Негодяй', '😈x', 'a"b\\c', 'esc\u001b[2J'];

/** sshd lines that name a connection's address, and the address-less lines that end it (`address: session` rules) */
const SESSION_STARTS: Array<(t: number, pid: number, ip: string, port: number) => string> = [
  (t, pid, ip, port) => `${sys(t)} pbx sshd[${pid}]: Connection from ${ip} port ${port} on 192.0.2.10 port 22`,
  (t, pid, ip, port) => `${sys(t)} pbx sshd[${pid}]: Failed password for root from ${ip} port ${port} ssh2`,
  (t, pid, ip, port) => `${sys(t)} pbx sshd[${pid}]: Did not receive identification string from ${ip} port ${port}`,
  (t, pid, ip, port) => `${sys(t)} pbx sshd[${pid}]: Invalid user admin from ${ip} port ${port}`,
  (t, pid, ip, port) => `${sys(t)} pbx sshd[${pid}]: Accepted password for ops from ${ip} port ${port} ssh2`,
  // OpenSSH 9.8+: the connection's own process is sshd-session
  (t, pid, ip, port) => `${sys(t)} pbx sshd-session[${pid}]: Failed password for root from ${ip} port ${port} ssh2`,
];
/** lines that end a connection: without its address, or with it (counted only if nothing before them was) */
const SESSION_ENDS: Array<(t: number, pid: number, ip: string, port: number) => string> = [
  (t, pid) => `${sys(t)} pbx sshd[${pid}]: Disconnecting: Too many authentication failures for root [preauth]`,
  (t, pid) => `${sys(t)} pbx sshd[${pid}]: Disconnecting: Too many authentication failures [preauth]`,
  (t, pid) => `${sys(t)} pbx sshd[${pid}]: fatal: Read from socket failed: Connection reset by peer [preauth]`,
  (t, pid) => `${sys(t)} pbx sshd[${pid}]: error: kex_exchange_identification: Connection closed by remote host`,
  (t, pid) => `${sys(t)} pbx sshd[${pid}]: fatal: Unable to negotiate a key exchange method [preauth]`,
  (t, pid, ip, port) => `${sys(t)} pbx sshd[${pid}]: Connection closed by authenticating user root ${ip} port ${port} [preauth]`,
  (t, pid, ip, port) => `${sys(t)} pbx sshd[${pid}]: Disconnected from invalid user admin ${ip} port ${port} [preauth]`,
  (t, pid, ip, port) => `${sys(t)} pbx sshd[${pid}]: message repeated 2 times: [ Connection closed by ${ip} port ${port} [preauth]]`,
  // OpenSSH before 7.2's goodbye: no port, and it ends the connection itself
  (t, pid, ip) => `${sys(t)} pbx sshd[${pid}]: error: Received disconnect from ${ip}: 11: Bye Bye [preauth]`,
  // OpenSSH 9.8+'s listener, about the connection's process by its pid
  (t, pid, ip) => `${sys(t)} pbx sshd[700]: Timeout before authentication for connection from ${ip} to 192.0.2.10, pid = ${pid}`,
  // a journal line without a time: the event is dated with the file's, and counted as undated once
  (_t, pid, ip, port) => `pbx sshd[${pid}]: Connection closed by ${ip} port ${port} [preauth]`,
];

const NOISE: Array<(t: number, n: number) => string> = [
  (t, n) => `[${ast(t)}] VERBOSE[${4100 + (n % 7)}] res_pjsip/pjsip_options.c: Contact 1001/sip:1001@10.0.0.21:5060;transport=udp is now Reachable.  RTT: ${n % 90}.234 msec`,
  (t, n) => `[${ast(t)}] VERBOSE[4120][C-${n.toString(16).padStart(8, '0')}] app_dial.c: PJSIP/1002-0000003a is ringing`,
  (t, n) =>
    `[${ast(t)}] SECURITY[4099] res_security_log.c: SecurityEvent="ChallengeSent",EventTV="${ast(t)}",Severity="Informational",Service="PJSIP",EventVersion="1",AccountID="1001",SessionID="reg-${n}",LocalAddress="IPV4/UDP/192.0.2.10/5060",RemoteAddress="IPV4/UDP/10.0.0.21/5060",Challenge="1764064800/9f8e"`,
  (t, n) => `${sys(t)} pbx sshd[${n}]: Accepted publickey for ops from 10.0.0.5 port ${20000 + n} ssh2: ED25519 SHA256:abc`,
  (t, n) => `${sys(t)} pbx CRON[${n}]: (root) CMD (/usr/lib/sysstat/sa1 1 1)`,
  (t, n) => `10.0.0.${n % 250} - - [${clf(t)}] "GET /ucp/ HTTP/1.1" 200 ${n} "-" "Mozilla/5.0"`,
];

const demoLines = readFileSync('demo/asterisk-attack.log', 'utf8').split('\n').filter((l) => l !== '');
/**
 * every rule sample, each after its context lines (the earlier lines of an sshd session); not the
 * ones with a line in a forgeable form (FreePBX 14's), after which nothing in the log would count
 * (the test of that form below mixes them with the rest)
 */
const sampleGroups = pack.rules.flatMap((r) => r.samples.map((s) => [...(s.context ?? []), s.line])).filter((g) => g.every((l) => parseEnvelope(l).forgeable !== true));
/**
 * A sample group with sshd pids of its own: the samples reuse pids with timestamps that go back
 * and forth, and a session line whose process was named both in its own block (too long ago) and
 * in an earlier block reads differently with workers (see the todo tests below); here each
 * repetition of a sample is a connection of its own.
 */
function withOwnPids(group: readonly string[], fresh: () => number): string[] {
  const pids = new Map<string, number>();
  return group.map((l) =>
    l.replace(/(sshd(?:-session)?\[)(\d+)\]/g, (_m, prog: string, pid: string) => {
      let p = pids.get(pid);
      if (p === undefined) pids.set(pid, (p = fresh()));
      return `${prog}${p}]`;
    }),
  );
}
const SESSION_RULES = new Set(pack.rules.filter((r) => r.fromSession).map((r) => r.id));

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');

/** A line that reads as an attack only if cut: `head`, padding, then a forged ending with its own address. */
function paddedLine(length: number, t: number, forged: string): Buffer {
  const head = `[${ast(t)}] NOTICE[1] chan_sip.c: Registration from '<sip:1@x>`;
  const tail = `' failed for '${forged}' - Wrong password`;
  return utf8(head + 'A'.repeat(length - head.length - tail.length) + tail);
}

/**
 * About 2 MB: attack bursts of a few addresses at a time (so bans fall mid-block), noise, the demo
 * log and every rule sample interleaved, sshd sessions whose ending line comes up to ~150 lines after
 * the line that named the address, and hostile bits: CRLF, empty lines, invalid and non-ASCII UTF-8,
 * NUL bytes, two 70,000-char lines and one of 1.1 MB (all over the 64 KiB line limit).
 */
function buildLog(seed: number): Buffer {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const lines: Buffer[] = [];
  let t = Date.UTC(2026, 10, 25, 8, 0, 0);
  let n = 0;
  let nextAddress = 0;
  const newAddress = (): string => {
    const k = nextAddress++;
    return k % 5 === 4 ? `2001:db8:${(k >> 8).toString(16)}::${(k & 0xff).toString(16)}` : `198.${18 + ((k >> 16) & 1)}.${(k >> 8) & 0xff}.${k & 0xff}`;
  };
  interface Attacker {
    ip: string;
    format: number;
    left: number;
    pid: number;
  }
  // pids of their own: far from the samples' (which go up to 1189074), one per attacker or connection
  let nextPid = 2_000_000;
  const newAttacker = (): Attacker => ({ ip: newAddress(), format: Math.floor(rand() * ATTEMPTS.length), left: 2 + Math.floor(rand() * 14), pid: nextPid++ });
  const attackers = [newAttacker(), newAttacker(), newAttacker(), newAttacker()];
  const sessions: Array<{ pid: number; ip: string; port: number; due: number }> = [];
  let demo = 0;
  let sample = 0;
  const TOTAL = 7000;

  for (let i = 0; i < TOTAL; i++) {
    t += Math.floor(rand() * 2500);
    n++;
    const ending = rand();
    const eol = ending < 0.12 ? '\r\n' : '\n';
    const push = (line: string | Buffer): void => {
      lines.push(Buffer.concat([typeof line === 'string' ? utf8(line) : line, utf8(eol)]));
    };
    if (i === 2000 || i === 5500) {
      // in an attack format, but longer than Asterisk writes: counted, not read (an extra line, so
      // the random choices of the rest stay as they were)
      push(`[${ast(t)}] SECURITY[1] res_security_log.c: SecurityEvent="InvalidAccountID",EventTV="1",Severity="Error",Service="PJSIP",EventVersion="1",AccountID="1",SessionID="${'s'.repeat(9000)}",LocalAddress="IPV4/UDP/192.0.2.1/5060",RemoteAddress="IPV4/UDP/203.0.113.69/5060"`);
    }
    // the line whose end is due: an sshd session closed without naming its address
    const due = sessions.findIndex((s) => s.due <= i);
    if (due >= 0) {
      const s = sessions.splice(due, 1)[0]!;
      push(pick(SESSION_ENDS)(t, s.pid, s.ip, s.port));
      continue;
    }
    switch (i) {
      case 1500:
        push(paddedLine(70_000, t, '203.0.113.66'));
        continue;
      case 3000:
        push(paddedLine(1_100_000, t, '203.0.113.67'));
        continue;
      case 4500:
        push(`${sys(t)} pbx sshd[${nextPid++}]: Failed password for invalid user ${'x'.repeat(70_000)} from 203.0.113.68 port 22 ssh2`);
        continue;
    }
    const r = rand();
    if (r < 0.42) {
      const k = Math.floor(rand() * attackers.length);
      const a = attackers[k]!;
      push(ATTEMPTS[a.format]!({ t, ip: a.ip, account: pick(ACCOUNTS), port: 1024 + Math.floor(rand() * 60000), pid: a.pid, n }));
      if (--a.left === 0) attackers[k] = newAttacker();
    } else if (r < 0.5) {
      // an sshd connection: its address now, its address-less end 1 to 150 lines later (some blocks later at 4 KiB)
      const pid = nextPid++;
      const ip = rand() < 0.5 ? attackers[0]!.ip : newAddress();
      const port = 1024 + Math.floor(rand() * 60000);
      push(pick(SESSION_STARTS)(t, pid, ip, port));
      sessions.push({ pid, ip, port, due: i + 1 + Math.floor(rand() * 150) });
    } else if (r < 0.56) {
      // non-ASCII accounts in otherwise valid Asterisk lines: UTF-8, and bytes that are no UTF-8
      const ip = attackers[1]!.ip;
      if (rand() < 0.5) {
        push(`[${ast(t)}] NOTICE[1] chan_sip.c: Registration from '"ü" <sip:ü@x>' failed for '${ip}:5060' - Wrong password`);
      } else {
        push(
          Buffer.concat([
            utf8(`[${ast(t)}] NOTICE[1] chan_sip.c: Registration from '"`),
            Buffer.from([0xff, 0xc3, 0x28]),
            utf8('" <sip:'),
            Buffer.from([0xe2, 0x82, 0xc3, 0xbc, 0x80]),
            utf8(`x@x>' failed for '${ip}:5060' - Wrong password`),
          ]),
        );
      }
    } else if (r < 0.6) {
      for (const l of withOwnPids(sampleGroups[sample++ % sampleGroups.length]!, () => nextPid++)) push(l);
    } else if (r < 0.66) {
      push(demoLines[demo++ % demoLines.length]!);
    } else if (r < 0.68) {
      push(pick(['', '\r', ' ', Buffer.from([0x00, 0xfe, 0xff, 0x80, 0x0d, 0x41])]));
    } else {
      push(pick(NOISE)(t, n));
    }
  }
  // the last line is an attempt; the caller decides whether a newline ends it
  const a = attackers[2]!;
  lines.push(utf8(ATTEMPTS[0]!({ t, ip: a.ip, account: '1001', port: 5060, pid: 1, n })));
  // the hole a copytruncate rotation leaves before the first line: longer than a 64 KiB line or a 4 KiB block
  return Buffer.concat([Buffer.alloc(100_000), ...lines]);
}

// ---------------------------------------------------------------------------------------------
// Replays
// ---------------------------------------------------------------------------------------------

interface Outcome {
  jsonl: Buffer;
  /** every event as the pipeline's sinks saw it (after the main thread rebuilt it from the worker's record) */
  events: string[];
  decisions: string[];
  summary: RunSummary;
}

const eventKey = (e: SecurityEvent): string =>
  JSON.stringify([e.at, e.source, e.service, e.kind, e.ip ?? null, e.port ?? null, e.account ?? null, e.extension ?? null, e.userAgent ?? null, e.scanner ?? null, e.readings ?? null, e.ruleId, e.file ?? null, e.line ?? null, e.undated ?? null, e.forgeable ?? null]);

async function replay(files: string[], workers: number, blockBytes: number, perAddressSummary: boolean): Promise<Outcome> {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  const out = new BufferedOutput(stream);
  const events: string[] = [];
  const decisions: string[] = [];
  const summary = await runReplay({
    files,
    pack,
    workers,
    parallelMinBytes: 0,
    blockBytes,
    perAddressSummary,
    jsonl: out,
    backpressure: () => out.backpressure(),
    sinks: [{ event: (e) => events.push(eventKey(e)), decision: (d) => decisions.push(JSON.stringify(d)) }],
  });
  await out.end();
  return { jsonl: Buffer.concat(chunks), events, decisions, summary };
}

function summaryJson(s: RunSummary): Record<string, unknown> {
  const j = JSON.parse(JSON.stringify(s.toJSON())) as Record<string, unknown>;
  delete j.elapsedMs;
  return j;
}

function firstDifference(a: readonly string[], b: readonly string[]): string {
  const i = a.findIndex((x, k) => x !== b[k]);
  const at = i < 0 ? Math.min(a.length, b.length) : i;
  const cut = (s: string | undefined): string => (s === undefined ? '(none)' : s.length > 300 ? `${s.slice(0, 300)}…` : s);
  return `first difference at #${at + 1}:\n  single-threaded: ${cut(a[at])}\n  with workers:    ${cut(b[at])}`;
}

function assertSame(ref: Outcome, got: Outcome, label: string): void {
  // counts first: a dropped or doubled event shows as such, not only as different bytes
  assert.equal(got.events.length, ref.events.length, `${label}: events seen by the pipeline; ${firstDifference(ref.events, got.events)}`);
  assert.deepEqual(got.events, ref.events, `${label}: events; ${firstDifference(ref.events, got.events)}`);
  assert.equal(got.decisions.length, ref.decisions.length, `${label}: decisions`);
  assert.deepEqual(got.decisions, ref.decisions, `${label}: decisions; ${firstDifference(ref.decisions, got.decisions)}`);
  if (!got.jsonl.equals(ref.jsonl)) {
    const r = ref.jsonl.toString('utf8').split('\n');
    const g = got.jsonl.toString('utf8').split('\n');
    assert.fail(`${label}: jsonl differs (${got.jsonl.length} bytes, ${g.length - 1} lines; single-threaded ${ref.jsonl.length} bytes, ${r.length - 1} lines); ${firstDifference(r, g)}`);
  }
  const a = ref.summary;
  const b = got.summary;
  assert.deepEqual(b.files, a.files, `${label}: files (lines, bytes, oversized, tooLong)`);
  assert.equal(b.attackEvents, a.attackEvents, `${label}: attackEvents`);
  assert.equal(b.otherEvents, a.otherEvents, `${label}: otherEvents`);
  assert.equal(b.ambiguous, a.ambiguous, `${label}: ambiguous`);
  assert.equal(b.bansTotal, a.bansTotal, `${label}: bansTotal`);
  assert.deepEqual(b.decisions, a.decisions, `${label}: summary.decisions`);
  assert.deepEqual(summaryJson(b), summaryJson(a), `${label}: summary JSON`);
}

// ---------------------------------------------------------------------------------------------

const log = buildLog(20261125);
const MTIME = new Date(Date.UTC(2026, 10, 26, 12, 0, 0)); // dates the year-less sshd timestamps: Nov 25 2026
const noFinalNewline = join(dir, 'mixed.log');
const finalNewline = join(dir, 'mixed-nl.log');
writeFileSync(noFinalNewline, log);
writeFileSync(finalNewline, Buffer.concat([log, utf8('\n')]));
for (const f of [noFinalNewline, finalNewline]) utimesSync(f, MTIME, MTIME);

const SMALL_BLOCK = 4096;
const BLOCKS = [SMALL_BLOCK, 65_536 + 123, 1 << 20];

test('the reference replay has what makes the comparison meaningful', async () => {
  assert.ok(log.length > 1_500_000 && log.length < 2_500_000, `log is ${log.length} bytes`);
  assert.ok(log[0] === 0 && log[99_999] === 0 && log[100_000] !== 0, 'the log starts with a hole of NULs');
  const ref = await replay([noFinalNewline], 0, SMALL_BLOCK, false);
  const file = ref.summary.files[0]!;
  // the two 70,000-char lines (longer than a 4 KiB block, shorter than a 1 MiB one) and the 1.1 MB one (longer than both)
  assert.equal(file.oversized, 3);
  // the two 9 kB security events; rule samples in journal form have no timestamp
  assert.equal(file.tooLong, 2);
  assert.ok(file.undated > 0, `${file.undated} undated events`);
  assert.equal(file.lines, log.filter((b) => b === 10).length + 1, 'the last line has no newline and still counts');
  assert.equal(file.bytes, log.length);

  const text = log.toString('latin1').split('\n');
  const starts: number[] = [0];
  for (let at = log.indexOf(10); at >= 0; at = log.indexOf(10, at + 1)) starts.push(at + 1);
  const objs = ref.jsonl
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { decision?: string; line?: number; rule?: string; ip?: string; account?: string });
  assert.equal(objs.length, ref.events.length + ref.decisions.length);

  // bans, many of them followed by more events (so, at 4 KiB, in the middle of blocks)
  const bans = objs.map((o, i) => (o.decision === 'ban' ? i : -1)).filter((i) => i >= 0);
  assert.ok(bans.length >= 20, `${bans.length} bans`);
  assert.ok(bans.filter((i) => objs[i + 1] !== undefined && objs[i + 1]!.decision === undefined).length >= 20, 'bans are followed by more events');
  assert.ok(bans[0]! < objs.length / 4 && bans.at(-1)! > (objs.length * 3) / 4, 'bans all along the file');
  assert.equal(objs.at(-1)!.line, file.lines, 'the unterminated last line gave its event');

  // non-ASCII account names came through as UTF-8, invalid bytes as U+FFFD
  assert.ok(objs.some((o) => o.account === 'ü'));
  assert.ok(objs.some((o) => o.account?.includes('\ufffd') === true));
  assert.ok(objs.some((o) => o.account === 'Негодяй'));
  assert.ok(!objs.some((o) => o.ip === '203.0.113.66' || o.ip === '203.0.113.67' || o.ip === '203.0.113.68' || o.ip === '203.0.113.69'), 'no event from an over-long line');
  // ambiguous lines, whose two readings travel from the workers too
  assert.ok(ref.summary.ambiguous >= 5, `${ref.summary.ambiguous} ambiguous lines`);

  // events from sshd lines with no address, whose address a line in an EARLIER 4 KiB block named
  assert.ok(SESSION_RULES.has('sshd/session-too-many-auth-failures') && SESSION_RULES.size >= 4, [...SESSION_RULES].join());
  const byLine = new Map(objs.filter((o) => o.line !== undefined).map((o) => [o.line!, o]));
  let crossBlock = 0;
  const sessionEvents = objs.filter((o) => o.rule !== undefined && SESSION_RULES.has(o.rule));
  for (const ev of sessionEvents) {
    const line = ev.line!;
    const pid = /sshd\[(\d+)\]: /.exec(text[line - 1]!)?.[1];
    assert.ok(pid !== undefined, text[line - 1]);
    let intro = line - 1;
    while (intro > 0 && !(text[intro - 1]!.includes(`sshd[${pid}]: `) && byLine.get(intro)?.ip === ev.ip)) intro--;
    assert.ok(intro > 0, `no line before ${line} named ${ev.ip} for sshd[${pid}]`);
    // a block holds whole lines and at most SMALL_BLOCK bytes: lines further apart are in different blocks
    if (starts[line]! - starts[intro - 1]! > SMALL_BLOCK) crossBlock++;
  }
  assert.ok(sessionEvents.length >= 50, `${sessionEvents.length} session events`);
  assert.ok(crossBlock >= 10, `${crossBlock} session events whose address is in an earlier block`);
});

test('workers give the same bytes, events, decisions and summary as the single-threaded replay', async () => {
  // [file, workers, block size, per-address tables (text/json report) or not (jsonl)]
  const runs: Array<[string, number, number, boolean]> = [
    [noFinalNewline, 1, SMALL_BLOCK, false],
    [noFinalNewline, 2, SMALL_BLOCK, true],
    [noFinalNewline, 3, SMALL_BLOCK, false],
    [noFinalNewline, 1, BLOCKS[1]!, true],
    [noFinalNewline, 2, BLOCKS[1]!, false],
    [noFinalNewline, 3, BLOCKS[1]!, true],
    [noFinalNewline, 1, BLOCKS[2]!, false],
    [noFinalNewline, 2, BLOCKS[2]!, true],
    [noFinalNewline, 3, BLOCKS[2]!, false],
    [finalNewline, 2, SMALL_BLOCK, false],
    [finalNewline, 3, BLOCKS[1]!, true],
    [finalNewline, 1, BLOCKS[2]!, true],
  ];
  const refs = new Map<string, Outcome>();
  for (const [file, workers, blockBytes, perAddress] of runs) {
    const key = `${file} ${perAddress}`;
    if (!refs.has(key)) refs.set(key, await replay([file], 0, blockBytes, perAddress));
    const label = `${file === noFinalNewline ? 'no final newline' : 'final newline'}, ${workers} workers, ${blockBytes}-byte blocks, perAddressSummary ${perAddress}`;
    assertSame(refs.get(key)!, await replay([file], workers, blockBytes, perAddress), label);
  }
  // two files in one run: the pool and the encoders carry over, the sshd sessions must not
  const both = [finalNewline, noFinalNewline];
  assertSame(await replay(both, 0, SMALL_BLOCK, true), await replay(both, 2, BLOCKS[1]!, true), 'two files, 2 workers');
});

test("FreePBX 14's forgeable form makes every later line of its file forgeable, in the blocks after it too", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pbxguard-forged-'));
  const file = join(dir, 'freepbx_security.log');
  const tagged = (i: number) => `[2026-11-25 10:00:${String(i).padStart(2, '0')}] [freepbx_security.NOTICE]: Authentication failure for admin from 198.51.100.${i} [] []`;
  const old = (i: number) => `[2026-11-25 10:00:${String(i).padStart(2, '0')}] Authentication failure for admin from 198.51.100.${i}`;
  // about 4 KiB of each between them: the tagged lines after the old one are in later blocks
  const noise = Array.from({ length: 40 }, (_, i) => `Nov 25 10:00:00 pbx CRON[${i}]: (root) CMD (/usr/lib/sysstat/sa1 1 1 ${'x'.repeat(60)})`);
  // what the same login's user name can write after it: lines of other logs, and sshd's that a
  // parse worker must hand back (their process named no address in its block)
  const sshd = `Nov 25 10:00:06 pbx sshd[4242]: Failed password for root from 198.51.100.99 port 50001 ssh2`;
  const sshdEnd = `Nov 25 10:00:07 pbx sshd[4242]: Disconnecting: Too many authentication failures [preauth]`;
  const sip = `[2026-11-25 10:00:08] NOTICE[1234] chan_sip.c: Registration from '<sip:100@pbx>' failed for '192.0.2.77:5060' - Wrong password`;
  // a connection named in an earlier block, whose address-less line comes right after the old form
  // in the same block: the worker hands it back, and tells that the block was marked before it
  const opened = `Nov 25 10:00:02 pbx sshd[5151]: Connection from 198.51.100.55 port 4444 on 192.0.2.1 port 22`;
  const kex = `Nov 25 10:00:03 pbx sshd[5151]: error: kex_exchange_identification: Connection closed by remote host`;
  writeFileSync(file, [tagged(1), tagged(2), opened, ...noise, old(3), kex, ...noise, tagged(4), sshd, ...noise, sshdEnd, tagged(5), sip].join('\n') + '\n');
  const single = await replay([file], 0, SMALL_BLOCK, true);
  assert.deepEqual(
    single.events.map((e) => (JSON.parse(e) as unknown[]).at(-1)),
    [null, null, null, true, true, true, true, true, true],
  );
  assert.equal(single.summary.files[0]!.forgeable, 6);
  assert.match(single.summary.warnings.join('\n'), /6 events from line 44 on not counted towards bans, nor as attempts: the file holds freepbx_security\.log lines as FreePBX 14 and earlier write them/);
  assertSame(single, await replay([file], 1, SMALL_BLOCK, true), 'forgeable FreePBX lines, 1 worker');
});

test('blocks are parsed both by the worker and by the main thread while it waits, and come out in order', async () => {
  const pool = new ParsePool(1, pack);
  const fd = openSync(noFinalNewline, 'r');
  const lines: number[] = [];
  try {
    await pool.replay(fd, { name: 'log', reference: Date.now(), freePbxLog: false }, SMALL_BLOCK, { event: (e) => lines.push(e.line!) });
  } finally {
    closeSync(fd);
    await pool.close();
  }
  // the first blocks go to the worker before anything else, so it parses some; right after sending
  // them the main thread finds the first not back yet (a worker takes milliseconds to start) and
  // parses a later block itself
  assert.ok(pool.inlineBlocks > 0, 'the main thread parsed none');
  assert.ok(pool.inlineBlocks < pool.blocks, `the worker parsed none of ${pool.blocks} blocks`);
  // a line of rsyslog's collapsed repeats gives several events: only such a line repeats a number
  const text = readFileSync(noFinalNewline, 'latin1').split('\n');
  const repeated = (n: number) => /sshd\[\d+\]: message repeated \d+ times: \[/.test(text[n - 1] ?? '');
  assert.ok(
    lines.every((n, i) => i === 0 || n > lines[i - 1]! || (n === lines[i - 1]! && repeated(n))),
    'events out of line order',
  );
});

// a timeout: before the fix this waited forever
test('a worker that stops before the end fails the replay instead of leaving it waiting', { timeout: 20_000 }, async () => {
  const pool = new ParsePool(1, pack);
  // stopped from outside before it even starts: it exits with code 0, and its blocks never come back
  const { workers } = pool as unknown as { workers: Array<{ worker: Worker }> };
  await workers[0]!.worker.terminate();
  const fd = openSync(noFinalNewline, 'r');
  try {
    await assert.rejects(
      pool.replay(fd, { name: 'log', reference: Date.now(), freePbxLog: false }, SMALL_BLOCK, { event: () => undefined }),
      /parse worker exited/,
    );
  } finally {
    closeSync(fd);
    await pool.close();
  }
});

test('the share of lines yielding events tells an attack-heavy log from a typical one', () => {
  const attack = demoLines.filter((l) => l.includes('failed for') || l.includes('failed to authenticate'));
  const noise = (i: number) => `[2026-11-25 10:00:00] VERBOSE[1][C-0000046b] pbx.c: Executing [${i}@from-internal:1] Set("PJSIP/2-1", "x=${i}") in new stack`;
  const dense = join(dir, 'dense.log');
  const typical = join(dir, 'typical.log');
  // longer than the 64 KiB sampled, so the pieces of the sample end mid-file
  writeFileSync(dense, Array.from({ length: 12_000 }, (_, i) => (i % 2 === 0 ? attack[i % attack.length] : noise(i))).join('\n'));
  writeFileSync(typical, Array.from({ length: 12_000 }, (_, i) => (i % 10 === 0 ? attack[i % attack.length] : noise(i))).join('\n'));
  const share = (file: string): number => {
    const fd = openSync(file, 'r');
    try {
      return eventShare(fd, pack, Date.now());
    } finally {
      closeSync(fd);
    }
  };
  assert.ok(Math.abs(share(dense) - 0.5) < 0.02, `dense ${share(dense)}`);
  assert.ok(Math.abs(share(typical) - 0.1) < 0.02, `typical ${share(typical)}`);
  // the head of a log may be start-up noise only: the sample is spread over the file
  const noisyHead = join(dir, 'noisy-head.log');
  writeFileSync(noisyHead, Array.from({ length: 20_000 }, (_, i) => (i >= 2000 && i % 2 === 0 ? attack[i % attack.length] : noise(i))).join('\n'));
  assert.ok(share(noisyHead) > 0.3, `noisy head ${share(noisyHead)}`);
});

test('--workers takes a whole number from 0 and rejects -1 and x with status 2', () => {
  const run = (n: string) => spawnSync(process.execPath, ['--import', 'tsx', 'src/bin/pbxguard.ts', 'replay', '--workers', n, 'demo/asterisk-attack.log'], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
  const zero = run('0');
  assert.equal(zero.status, 0, zero.stderr);
  assert.match(zero.stdout, /Bans it would issue \(7\)/);
  for (const bad of ['-1', 'x']) {
    const r = run(bad);
    assert.equal(r.status, 2, `--workers ${bad}: ${r.stderr}`);
    assert.match(r.stderr, /--workers/);
  }
});

// ---------------------------------------------------------------------------------------------
// Differences found once, each the smallest file that showed it: now read alike.
// ---------------------------------------------------------------------------------------------

async function sameWithOneWorker(name: string, content: string, blockBytes: number): Promise<void> {
  const file = join(dir, name);
  writeFileSync(file, content);
  utimesSync(file, MTIME, MTIME);
  assertSame(await replay([file], 0, blockBytes, false), await replay([file], 1, blockBytes, false), `${name}, 1 worker, ${blockBytes}-byte blocks`);
}

test(
  "a login in a block of its own leaves its connection uncounted there as on one thread, so the line that ends it counts the same",
  async () => {
    // blocks: [failure, filler] [login, end]: what the login leaves must not depend on the failure before it
    const lines = [
      'Nov 28 09:00:00 srv sshd[500]: Failed password for root from 198.51.100.7 port 40000 ssh2',
      `Nov 28 09:00:01 srv CRON[9]: (root) CMD (${'x'.repeat(4000)})`,
      'Nov 28 09:00:02 srv sshd[500]: Accepted password for root from 198.51.100.7 port 40000 ssh2',
      'Nov 28 09:00:03 srv sshd[500]: Received disconnect from 198.51.100.7 port 40000:3: com.jcraft.jsch.JSchException: Auth fail [preauth]',
    ];
    await sameWithOneWorker('login-then-end.log', lines.join('\n') + '\n', 4096);
  },
);

test(
  'an sshd session line whose process its own block named too long ago does not take the address an earlier block named',
  async () => {
    // blocks: [line 1, filler] [line 3, line 4]; single-threaded line 4 yields nothing (its process's last line is an hour old)
    const lines = [
      'Nov 28 09:16:01 srv sshd[32310]: Failed password for git from 198.51.100.40 port 40000 ssh2',
      'x'.repeat(4000),
      'Nov 28 08:16:01 srv sshd[32310]: Failed password for git from 198.51.100.41 port 40000 ssh2',
      'Nov 28 09:16:05 srv sshd[32310]: Disconnecting: Too many authentication failures for git [preauth]',
    ];
    await sameWithOneWorker('session-ttl.log', lines.join('\n') + '\n', 4096);
  },
);

test(
  'a process named in an earlier block and then pushed out of the session table by newer ones (MAX_SESSIONS) gets no address',
  async () => {
    const lines = ['Nov 28 09:00:00 srv sshd[1]: Connection from 198.51.100.46 port 40000 on 192.0.2.10 port 22'];
    // more processes than the table holds, all within its ten minutes: eviction, not age, drops the first
    const n = MAX_SESSIONS + 104;
    for (let i = 0; i < n; i++) {
      const sec = Math.floor((i * 360) / n);
      lines.push(`Nov 28 09:0${Math.floor(sec / 60)}:${p2(sec % 60)} srv sshd[${100000 + i}]: Connection from 203.0.113.${i % 250} port ${10000 + (i % 50000)} on 192.0.2.10 port 22`);
    }
    lines.push('Nov 28 09:06:00 srv sshd[1]: Disconnecting: Too many authentication failures for root [preauth]');
    await sameWithOneWorker('sessions-evicted.log', lines.join('\n') + '\n', 65_536);
  },
);

test(
  'a line of exactly 64 KiB before its CRLF is read the same wherever the reader\'s 64 KiB pieces fall',
  async () => {
    const head = `[2026-11-25 10:00:01] NOTICE[1] chan_sip.c: Registration from '<sip:1@x>`;
    const tail = `' failed for '198.51.100.44' - Wrong password`;
    const exact = head + 'A'.repeat(65_536 - head.length - tail.length) + tail;
    // 65,535 bytes first: the CR is the last byte of the reader's second 64 KiB piece
    const content = 'y'.repeat(65_534) + '\n' + exact + '\r\n' + ATTEMPTS[0]!({ t: Date.UTC(2026, 10, 25, 10), ip: '198.51.100.45', account: '1', port: 5060, pid: 1, n: 1 }) + '\n';
    await sameWithOneWorker('exact-64k-crlf.log', content, 65_536 + 123);
  },
);

test(
  'blocks smaller than the line limit do not skip lines the single-threaded reader reads',
  async () => {
    const long = `[2026-11-25 10:00:01] NOTICE[1] chan_sip.c: Registration from '"${'a'.repeat(4900)}" <sip:1@x>' failed for '198.51.100.43' - Wrong password`;
    await sameWithOneWorker('long-valid.log', long + '\n', 4096);
  },
);
