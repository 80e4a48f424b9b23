/**
 * @module Deterministic generator of realistic Asterisk `messages`/`full` logs for the replay benchmark.
 *
 * Usage: `node --import tsx bench/gen-asterisk-log.ts --lines 1000000 --attack-ratio 0.1 --out bench/out/x.log`
 *
 * Ordinary traffic imitates an Asterisk 20 / FreePBX box (chan_pjsip phones, a few chan_sip phones, one
 * PJSIP trunk): dialplan `Executing […]` lines, `Called`, `is ringing`, `answered`, bridge and RTP lines,
 * `Spawn extension`, contact qualify and registrar lines, ChallengeSent/SuccessfulAuth security events,
 * and the odd WARNING/DEBUG. Attack lines use the exact format strings of
 * ../shared/corpora/asterisk/FORMATS-from-source.md (pjsip_distributor.c, res_pjsip_session.c, chan_sip.c
 * branch 20, chan_iax2.c, manager.c, res_security_log.c). Attackers are svcrack/svwar-style bursts
 * (hundreds of lines from one address within seconds) plus a large pool of slow, spread-out sources,
 * IPv4 and IPv6. Nothing is sent anywhere: the addresses are text.
 *
 * The same (seed, lines, ratio, date format) always gives the same bytes, so results are comparable
 * across machines and commits. A sidecar `<out>.meta.json` records what was generated (attack lines
 * per family, distinct addresses), which the benchmark uses as ground truth for its sanity check.
 */
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

export type DateFormat = 'iso' | 'iso-ms' | 'classic';

export interface GenOptions {
  lines: number;
  /** Fraction of lines that are attack lines, 0..1. */
  attackRatio: number;
  seed: number;
  /** `iso` = `%F %T` (FreePBX's logger.conf), `iso-ms` = `%F %T.%3q`, `classic` = Asterisk's default `%b %e %T`. */
  dateFormat: DateFormat;
  /** Epoch ms of the first line; fixed so the output does not depend on when it was generated. */
  startMs: number;
}

export interface GenStats {
  options: GenOptions;
  generator: string;
  lines: number;
  bytes: number;
  attackLines: number;
  /** Attack lines per family (see `AttackFamily`); `f2b` marks the families fail2ban's asterisk filter matches. */
  attackByFamily: Record<string, number>;
  /** Attack lines whose format fail2ban 1.0.2's filter.d/asterisk.conf is expected to match. */
  expectedFail2banMatches: number;
  distinctAttackers: number;
  distinctAttackersV6: number;
  bursts: number;
  firstTime: string;
  lastTime: string;
}

/** Bumped whenever the output for a given seed changes, so a reused file is never stale. */
export const GENERATOR_VERSION = 'gen-asterisk-log/2';

// ---------------------------------------------------------------------------------------------
// Randomness: a small seeded PRNG. Math.random cannot be seeded, and a benchmark input that
// changes from run to run makes numbers incomparable.

/** sfc32: fast, 128-bit state, good enough statistical quality for synthetic data. */
class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 15; i++) this.u32(); // warm-up: the first outputs of sfc32 correlate with the seed
  }
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  /** Exponential with the given mean: inter-arrival times of independent events. */
  exp(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }
  hex8(): string {
    return this.u32().toString(16).padStart(8, '0');
  }
  hex(n32: number): string {
    let s = '';
    for (let i = 0; i < n32; i++) s += this.hex8();
    return s;
  }
}

/** Picks from a table of [weight, value] pairs; weights need not sum to 1. */
function weighted<T>(rng: Rng, table: readonly (readonly [number, T])[]): T {
  let total = 0;
  for (const [w] of table) total += w;
  let x = rng.next() * total;
  for (const [w, v] of table) {
    x -= w;
    if (x < 0) return v;
  }
  return table[table.length - 1]![1];
}

// ---------------------------------------------------------------------------------------------
// Time: one monotonic clock in ms; formatted strings are cached per second because formatting
// dominated generation time otherwise.

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number): string => (n < 10 ? '0' + n : String(n));
const p3 = (n: number): string => (n < 10 ? '00' + n : n < 100 ? '0' + n : String(n));

class Clock {
  ms: number;
  private cachedSec = -1;
  private secIso = '';
  private secClassic = '';
  constructor(startMs: number, private readonly format: DateFormat) {
    this.ms = startMs;
  }
  private refresh(): void {
    const sec = Math.floor(this.ms / 1000);
    if (sec === this.cachedSec) return;
    this.cachedSec = sec;
    // UTC so the file does not depend on the generating machine's TZ.
    const d = new Date(sec * 1000);
    const hms = `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
    this.secIso = `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${hms}`;
    // `%e` pads the day with a space, as in `[Jan  8 17:39:50]`.
    const day = d.getUTCDate();
    this.secClassic = `${MONTHS[d.getUTCMonth()]!} ${day < 10 ? ' ' + day : String(day)} ${hms}`;
  }
  /** The bracketed log timestamp. */
  stamp(): string {
    this.refresh();
    if (this.format === 'iso') return '[' + this.secIso + '] ';
    if (this.format === 'iso-ms') return '[' + this.secIso + '.' + p3(Math.floor(this.ms % 1000)) + '] ';
    return '[' + this.secClassic + '] ';
  }
  /** Security-event EventTV: AST_ISO8601_FORMAT `%FT%T.%q%z`. */
  eventTv(): string {
    this.refresh();
    return this.secIso.replace(' ', 'T') + '.' + p3(Math.floor(this.ms % 1000)) + '+0000';
  }
  iso(): string {
    this.refresh();
    return this.secIso;
  }
  unixSec(): number {
    return Math.floor(this.ms / 1000);
  }
}

// ---------------------------------------------------------------------------------------------
// Addresses.

interface Addr {
  ip: string;
  v6: boolean;
}

/** `ip:port` as pj_sockaddr_print(…, 3) and ast_sockaddr_stringify print it (IPv6 bracketed). */
const hostPort = (a: Addr, port: number): string => (a.v6 ? `[${a.ip}]:${port}` : `${a.ip}:${port}`);
/** `IPV4/UDP/1.2.3.4/5060`, ast_json_ipaddr: IPv6 without brackets. */
const secAddr = (a: Addr, transport: string, port: number): string =>
  `${a.v6 ? 'IPV6' : 'IPV4'}/${transport}/${a.ip}/${port}`;

/** A random public-looking IPv4 address: never private, loopback, CGNAT, link-local or multicast,
 *  so that no sane allowlist would swallow it and every attack line stays an attack. */
function publicV4(rng: Rng): string {
  for (;;) {
    const x = rng.u32();
    const a = x >>> 24;
    const b = (x >>> 16) & 255;
    if (a === 0 || a === 10 || a === 127 || a >= 224) continue;
    if (a === 100 && b >= 64 && b < 128) continue;
    if (a === 169 && b === 254) continue;
    if (a === 172 && b >= 16 && b < 32) continue;
    if (a === 192 && b === 168) continue;
    return `${a}.${b}.${(x >>> 8) & 255}.${x & 255}`;
  }
}

/** Non-zero 16-bit group without leading zeros (RFC 5952 canonical text). */
const g16 = (rng: Rng): string => rng.int(1, 0xffff).toString(16);

/** IPv6 in canonical form: half documentation prefix 2001:db8::/32 with a compressed zero run,
 *  half a public-looking 2a0x:… with eight non-zero groups (nothing to compress). */
function publicV6(rng: Rng): string {
  if (rng.next() < 0.5) return `2001:db8:${g16(rng)}:${g16(rng)}::${g16(rng)}`;
  let s = '2a0' + rng.int(1, 9).toString(16);
  for (let i = 0; i < 7; i++) s += ':' + g16(rng);
  return s;
}

function makeAttacker(rng: Rng, v6Share: number): Addr {
  return rng.next() < v6Share ? { ip: publicV6(rng), v6: true } : { ip: publicV4(rng), v6: false };
}

// ---------------------------------------------------------------------------------------------
// Attack lines. Each family is one format string from FORMATS-from-source.md.

type AttackFamily =
  | 'pjsip-auth' // pjsip_distributor.c:960 "Failed to authenticate" (svcrack against an existing endpoint)
  | 'pjsip-noendpoint' // pjsip_distributor.c:738/843 "No matching endpoint found" (svwar, friendly-scanner)
  | 'pjsip-acl' // pjsip_distributor.c:865 "Not match Endpoint ACL"
  | 'pjsip-call' // res_pjsip_session.c:4011 call to an unknown extension
  | 'sip-wrongpass' // chan_sip.c:29053/29080 "Wrong password"
  | 'sip-nopeer' // chan_sip.c:29059/29080 "No matching peer found"
  | 'sip-call' // chan_sip.c:26848 "Call from '' (…) to extension … rejected"
  | 'iax2-noreg' // chan_iax2.c:8413
  | 'iax2-md5' // chan_iax2.c:8482
  | 'iax2-authas' // chan_iax2.c:11431
  | 'iax2-reject' // chan_iax2.c:10953
  | 'ami-authas' // manager.c:2324
  | 'ami-nouser' // manager.c:2287
  | 'sec-chalresp' // res_security_log.c ChallengeResponseFailed (PJSIP)
  | 'sec-invalacct' // InvalidAccountID (PJSIP)
  | 'sec-invalpass'; // InvalidPassword (AMI, EventVersion 2)

/**
 * Families whose lines fail2ban 1.0.2's filter.d/asterisk.conf matches, read off its failregex:
 * it has no regex for the PJSIP `Call (UDP:…)` format (res_pjsip_session.c), nor for iax2
 * `Rejected connect attempt`, and its `(?:Host )?<HOST> failed to authenticate` cannot take the
 * `ip:port` that chan_iax2.c:11431 prints, and its PJSIP regex ends at `found\s*$`, so the
 * `… after N tries in X ms` form (pjsip_distributor.c:716) is missed. Used only for the expected-count sanity check.
 */
const FAIL2BAN_MATCHES: ReadonlySet<string> = new Set<AttackFamily>([
  'pjsip-auth', 'pjsip-noendpoint', 'pjsip-acl', 'sip-wrongpass', 'sip-nopeer', 'sip-call',
  'iax2-noreg', 'iax2-md5', 'ami-authas', 'ami-nouser', 'sec-chalresp', 'sec-invalacct', 'sec-invalpass',
]);

/** A burst is one tool run against one target: family fixed, address fixed, accounts per tool. */
const BURST_FAMILIES: readonly (readonly [number, AttackFamily])[] = [
  [35, 'pjsip-auth'],
  [25, 'pjsip-noendpoint'],
  [8, 'sip-wrongpass'],
  [8, 'sip-nopeer'],
  [7, 'sip-call'],
  [5, 'pjsip-call'],
  [7, 'sec-chalresp'],
  [5, 'sec-invalacct'],
];

/** Slow attackers come back now and then with whatever they try; every format appears here. */
const SLOW_FAMILIES: readonly (readonly [number, AttackFamily])[] = [
  [22, 'pjsip-noendpoint'],
  [14, 'pjsip-auth'],
  [4, 'pjsip-acl'],
  [8, 'pjsip-call'],
  [6, 'sip-wrongpass'],
  [6, 'sip-nopeer'],
  [8, 'sip-call'],
  [3, 'iax2-noreg'],
  [2, 'iax2-md5'],
  [2, 'iax2-authas'],
  [2, 'iax2-reject'],
  [3, 'ami-authas'],
  [3, 'ami-nouser'],
  [7, 'sec-chalresp'],
  [6, 'sec-invalacct'],
  [4, 'sec-invalpass'],
];

const SCAN_NAMES = ['admin', 'test', 'user', 'guest', 'sip', 'voip', 'office', 'info', 'support', 'asterisk', 'fax', 'operator'];
const AMI_USERS = ['admin', 'root', 'manager', 'asterisk', 'amp111', 'opennms', 'freepbx', 'test'];
const IAX_PEERS = ['guest', 'iaxuser', 'trunk1', '100', '200', 'demo', 'iax'];
// Toll-fraud probes dial international and premium numbers with assorted prefixes.
const FRAUD_PREFIXES = ['00', '011', '9011', '900', '+', '0000', '810', '9'];
const FRAUD_CC = ['972', '44', '370', '881', '231', '252', '53', '963', '970', '48', '46', '1'];
const CONTEXTS_EXTERNAL = ['from-sip-external', 'default', 'from-pstn', 'public'];

/** PBX-side constants: the box's own address and its internal numbering plan. */
const PBX_IP = '192.0.2.10';
const PBX_PUBLIC: Addr = { ip: PBX_IP, v6: false };

interface Campaign {
  addr: Addr;
  family: AttackFamily;
  /** Lines left in this burst. */
  left: number;
  /** Mean gap between this attacker's lines, ms: svcrack default ~190 req/s, `-t 0` thousands/s. */
  gapMs: number;
  port: number;
  account: string;
  seq: number;
  /** svwar walks a numeric range; svcrack hammers one account. */
  enumerates: boolean;
  tool: 'sipvicious' | 'friendly-scanner' | 'sipcli' | 'plain';
}

interface LineSink {
  push(line: string): void;
}

class AttackGen {
  readonly byFamily = new Map<AttackFamily | 'pjsip-noendpoint-tries', number>();
  readonly seen = new Set<string>();
  seenV6 = 0;
  bursts = 0;
  private readonly slowPool: Addr[];
  constructor(private readonly rng: Rng, private readonly clock: Clock, private readonly lwp: () => number, private readonly callId: () => string, slowPoolSize: number) {
    this.slowPool = [];
    for (let i = 0; i < slowPoolSize; i++) this.slowPool.push(makeAttacker(rng, 0.25));
  }

  private count(f: AttackFamily | 'pjsip-noendpoint-tries', by = 1): void {
    this.byFamily.set(f, (this.byFamily.get(f) ?? 0) + by);
  }

  newBurst(): Campaign {
    const rng = this.rng;
    this.bursts++;
    const family = weighted(rng, BURST_FAMILIES);
    const enumerates = family === 'pjsip-noendpoint' || family === 'sip-nopeer' || family === 'sec-invalacct' || family === 'sip-call' || family === 'pjsip-call';
    return {
      addr: makeAttacker(rng, 0.2),
      family,
      // "hundreds of lines from one address in a few seconds"
      left: rng.int(80, 900),
      gapMs: rng.next() < 0.8 ? 5 : 0.4,
      port: rng.next() < 0.5 ? 5060 : rng.int(1024, 65535),
      account: String(rng.int(100, 999)),
      seq: rng.int(100, 2000),
      enumerates,
      tool: weighted(rng, [[5, 'sipvicious'], [4, 'friendly-scanner'], [1, 'sipcli'], [3, 'plain']] as const),
    };
  }

  /** One line from a slow attacker: a pooled address (so it recurs over hours) and any family. */
  slowLine(out: LineSink): void {
    const rng = this.rng;
    // Squaring skews towards the pool's head: a few slow sources are persistent, most appear once or twice.
    const r = rng.next();
    const addr = this.slowPool[Math.floor(r * r * this.slowPool.length)]!;
    const c: Campaign = {
      addr,
      family: weighted(rng, SLOW_FAMILIES),
      left: 1,
      gapMs: 0,
      port: rng.next() < 0.4 ? 5060 : rng.int(1024, 65535),
      account: rng.next() < 0.3 ? rng.pick(SCAN_NAMES) : String(rng.int(100, 9999)),
      seq: 0,
      enumerates: false,
      tool: rng.next() < 0.5 ? 'friendly-scanner' : 'plain',
    };
    this.line(c, out);
  }

  line(c: Campaign, out: LineSink): void {
    const rng = this.rng;
    const clock = this.clock;
    const a = c.addr;
    if (!this.seen.has(a.ip)) {
      this.seen.add(a.ip);
      if (a.v6) this.seenV6++;
    }
    this.count(c.family);
    const account = c.enumerates ? String(c.seq++) : c.account;
    const ts = clock.stamp();
    const lwp = this.lwp();
    const display = c.tool === 'sipvicious' ? 'sipvicious' : account;
    // svcrack/svwar put the target's address in From; friendly-scanner often a bogus one.
    const fromHost = c.tool === 'friendly-scanner' ? '1.1.1.1' : PBX_IP;
    const from = c.tool === 'plain' ? `<sip:${account}@${fromHost}>` : `"${display}" <sip:${account}@${fromHost}>`;
    const callid = c.tool === 'sipvicious' ? String(rng.u32()) : rng.hex(2) + '@' + (a.v6 ? `[${a.ip}]` : a.ip);
    const hp = hostPort(a, c.port);
    switch (c.family) {
      case 'pjsip-auth':
        out.push(`${ts}NOTICE[${lwp}] res_pjsip/pjsip_distributor.c: Request 'REGISTER' from '${from}' failed for '${hp}' (callid: ${callid}) - Failed to authenticate`);
        return;
      case 'pjsip-noendpoint': {
        const method = rng.next() < 0.6 ? 'REGISTER' : rng.next() < 0.6 ? 'INVITE' : 'OPTIONS';
        // unidentified_request_count tripping appends the tries suffix (pjsip_distributor.c:716).
        let tail = '';
        if (rng.next() < 0.08) {
          tail = ` after ${rng.int(5, 60)} tries in ${(rng.next() * 5000).toFixed(3)} ms`;
          // counted apart: fail2ban 1.0.2's regex ends at "found\s*$" and misses this form
          this.count('pjsip-noendpoint', -1);
          this.count('pjsip-noendpoint-tries');
        }
        out.push(`${ts}NOTICE[${lwp}] res_pjsip/pjsip_distributor.c: Request '${method}' from '${from}' failed for '${hp}' (callid: ${callid}) - No matching endpoint found${tail}`);
        return;
      }
      case 'pjsip-acl':
        out.push(`${ts}NOTICE[${lwp}] res_pjsip/pjsip_distributor.c: Request 'REGISTER' from '${from}' failed for '${hp}' (callid: ${callid}) - Not match Endpoint ACL`);
        return;
      case 'pjsip-call':
        out.push(`${ts}NOTICE[${lwp}][C-${this.callId()}] res_pjsip_session.c: anonymous: Call (UDP:${hp}) to extension '${fraudNumber(rng)}' rejected because extension not found in context '${rng.pick(CONTEXTS_EXTERNAL)}'.`);
        return;
      case 'sip-wrongpass':
        out.push(`${ts}NOTICE[${lwp}] chan_sip.c: Registration from '"${account}"<sip:${account}@${PBX_IP}>' failed for '${hp}' - Wrong password`);
        return;
      case 'sip-nopeer':
        out.push(`${ts}NOTICE[${lwp}] chan_sip.c: Registration from '"${display}"<sip:${account}@${PBX_IP}>' failed for '${hp}' - No matching peer found`);
        return;
      case 'sip-call':
        out.push(`${ts}NOTICE[${lwp}][C-${this.callId()}] chan_sip.c: Call from '' (${hp}) to extension '${fraudNumber(rng)}' rejected because extension not found in context '${rng.pick(CONTEXTS_EXTERNAL)}'.`);
        return;
      case 'iax2-noreg':
        out.push(`${ts}NOTICE[${lwp}] chan_iax2.c: No registration for peer '${rng.pick(IAX_PEERS)}' (from ${a.ip})`);
        return;
      case 'iax2-md5':
        out.push(`${ts}NOTICE[${lwp}] chan_iax2.c: Host ${a.ip} failed MD5 authentication for '${rng.pick(IAX_PEERS)}' (${rng.hex(4)} != ${rng.hex(4)})`);
        return;
      case 'iax2-authas':
        out.push(`${ts}WARNING[${lwp}] chan_iax2.c: Host ${hostPort(a, 4569)} failed to authenticate as ${rng.pick(IAX_PEERS)}`);
        return;
      case 'iax2-reject':
        out.push(`${ts}NOTICE[${lwp}] chan_iax2.c: Rejected connect attempt from ${hostPort(a, 4569)}, who was trying to reach '${fraudNumber(rng)}@default'`);
        return;
      case 'ami-authas':
        out.push(`${ts}NOTICE[${lwp}] manager.c: ${a.ip} failed to authenticate as '${rng.pick(AMI_USERS)}'`);
        return;
      case 'ami-nouser': {
        // manager.c (1.6 and later) writes the reason, then the failure every failed login writes
        const user = rng.pick(AMI_USERS);
        out.push(`${ts}NOTICE[${lwp}] manager.c: ${a.ip} tried to authenticate with nonexistent user '${user}'`);
        out.push(`${ts}NOTICE[${lwp}] manager.c: ${a.ip} failed to authenticate as '${user}'`);
        this.count('ami-authas');
        return;
      }
      case 'sec-chalresp': {
        const nonce = `${clock.unixSec()}/${rng.hex(4)}`;
        out.push(`${ts}SECURITY[${lwp}] res_security_log.c: SecurityEvent="ChallengeResponseFailed",EventTV="${clock.eventTv()}",Severity="Error",Service="PJSIP",EventVersion="1",AccountID="${account}",SessionID="${callid}",LocalAddress="${secAddr(PBX_PUBLIC, 'UDP', 5060)}",RemoteAddress="${secAddr(a, 'UDP', c.port)}",Challenge="${nonce}",Response="${rng.hex(4)}",ExpectedResponse=""`);
        return;
      }
      case 'sec-invalacct':
        out.push(`${ts}SECURITY[${lwp}] res_security_log.c: SecurityEvent="InvalidAccountID",EventTV="${clock.eventTv()}",Severity="Error",Service="PJSIP",EventVersion="1",AccountID="${account}",SessionID="${callid}",LocalAddress="${secAddr(PBX_PUBLIC, 'UDP', 5060)}",RemoteAddress="${secAddr(a, 'UDP', c.port)}"`);
        return;
      case 'sec-invalpass':
        // manager.c: required fields, then optional SessionTV, Challenge, ReceivedChallenge, ReceivedHash in table order.
        out.push(`${ts}SECURITY[${lwp}] res_security_log.c: SecurityEvent="InvalidPassword",EventTV="${clock.eventTv()}",Severity="Error",Service="AMI",EventVersion="2",AccountID="${rng.pick(AMI_USERS)}",SessionID="0x${rng.hex(2)}",LocalAddress="${secAddr(PBX_PUBLIC, 'TCP', 5038)}",RemoteAddress="${secAddr(a, 'TCP', c.port)}",SessionTV="${clock.eventTv()}",Challenge="${rng.u32()}",ReceivedChallenge="${rng.u32()}",ReceivedHash="${rng.hex(4)}"`);
        return;
    }
  }
}

function fraudNumber(rng: Rng): string {
  return rng.pick(FRAUD_PREFIXES) + rng.pick(FRAUD_CC) + String(rng.int(10000000, 999999999));
}

// ---------------------------------------------------------------------------------------------
// Ordinary traffic: interleaved calls plus background registrar/qualify/security chatter.

interface Phone {
  ext: string;
  ip: string;
  port: number;
  tech: 'PJSIP' | 'SIP';
}

/** One call in progress: a queue of line templates produced lazily, one per `next()` call. */
interface CallActivity {
  next(): string | undefined;
}

class OrdinaryGen {
  private readonly phones: Phone[] = [];
  private readonly calls: CallActivity[] = [];
  private chanSeq: number;
  private uniq: number;
  private readonly trunkIp = '198.51.100.20';
  constructor(private readonly rng: Rng, private readonly clock: Clock, private readonly lwp: () => number, private readonly callId: () => string) {
    this.chanSeq = rng.int(0x100, 0x4000);
    this.uniq = 0;
    for (let i = 0; i < 60; i++) {
      const ext = String(200 + i);
      const tech = i >= 52 ? 'SIP' : 'PJSIP'; // a few legacy chan_sip phones remain on many FreePBX boxes
      this.phones.push({ ext, ip: `192.168.1.${50 + i}`, port: rng.next() < 0.7 ? 5060 : rng.int(20000, 60000), tech });
    }
  }

  line(out: LineSink): void {
    const rng = this.rng;
    // Keep 1-6 calls up at once so their lines interleave as on a real box.
    if (this.calls.length === 0 || (this.calls.length < 6 && rng.next() < 0.04)) this.calls.push(this.newCall());
    if (rng.next() < 0.1) {
      this.background(out);
      return;
    }
    const i = Math.floor(rng.next() * this.calls.length);
    const l = this.calls[i]!.next();
    if (l === undefined) {
      this.calls.splice(i, 1);
      this.background(out);
      return;
    }
    out.push(l);
  }

  private chan(p: Phone | 'trunk'): string {
    const id = (this.chanSeq++).toString(16).padStart(8, '0');
    return p === 'trunk' ? `PJSIP/trunk-provider-${id}` : `${p.tech}/${p.ext}-${id}`;
  }

  private newCall(): CallActivity {
    const rng = this.rng;
    const clock = this.clock;
    const cid = this.callId();
    const lwpA = this.lwp();
    const lwpB = this.lwp();
    const kind = weighted(rng, [[5, 'internal'], [3, 'inbound'], [3, 'outbound']] as const);
    const caller = rng.pick(this.phones);
    let callee = rng.pick(this.phones);
    if (callee === caller) callee = this.phones[(this.phones.indexOf(caller) + 1) % this.phones.length]!;
    const chA = kind === 'inbound' ? this.chan('trunk') : this.chan(caller);
    const chB = kind === 'outbound' ? this.chan('trunk') : this.chan(callee);
    const exten = kind === 'inbound' ? '4930' + rng.int(1000000, 9999999) : kind === 'outbound' ? '0' + rng.int(300000000, 399999999) : callee.ext;
    const ctx = kind === 'inbound' ? 'from-pstn' : 'from-internal';
    const bridge = `${rng.hex(2)}-${rng.hex(1).slice(0, 4)}-${rng.hex(1).slice(0, 4)}-${rng.hex(1).slice(0, 4)}-${rng.hex(3).slice(0, 12)}`;
    const rtpPtr = `0x7f${rng.hex(2).slice(0, 10)}`;
    const remoteRtp = kind === 'outbound' ? `${this.trunkIp}:${rng.int(10000, 20000) * 2}` : `${callee.ip}:${rng.int(5000, 15000) * 2}`;
    const answered = rng.next() < 0.75;
    const uniq = `${clock.unixSec()}.${this.uniq++}`;
    const pre = `VERBOSE[${lwpA}][C-${cid}] `;
    const preB = `VERBOSE[${lwpB}][C-${cid}] `;
    const dialTarget = kind === 'outbound' ? `PJSIP/${exten}@trunk-provider` : `${callee.tech}/${callee.ext}/sip:${callee.ext}@${callee.ip}:${callee.port}`;
    // Templates are closures so that the timestamp is taken when the line is emitted, not planned.
    const steps: (() => string)[] = [
      () => `${pre}pbx.c: Executing [${exten}@${ctx}:1] Set("${chA}", "__FROM_DID=${exten}") in new stack`,
      () => `${pre}pbx.c: Executing [${exten}@${ctx}:2] Macro("${chA}", "user-callerid,") in new stack`,
      () => `${pre}pbx.c: Executing [s@macro-user-callerid:1] Set("${chA}", "TOUCH_MONITOR=${uniq}") in new stack`,
      () => `${pre}pbx.c: Executing [s@macro-user-callerid:2] Set("${chA}", "AMPUSER=${caller.ext}") in new stack`,
      () => `${pre}pbx.c: Executing [s@macro-user-callerid:3] GotoIf("${chA}", "0?report") in new stack`,
      () => `${pre}pbx.c: Executing [s@macro-user-callerid:4] ExecIf("${chA}", "1?Set(REALCALLERIDNUM=${caller.ext})") in new stack`,
      () => `${pre}pbx.c: Goto (macro-user-callerid,s,42)`,
      () => `${pre}pbx.c: Executing [s@macro-user-callerid:42] NoOp("${chA}", "Using CallerID \\"${caller.ext}\\" <${caller.ext}>") in new stack`,
      () => `${pre}pbx.c: Executing [${exten}@${ctx}:3] Macro("${chA}", "dial-one,,HhTtr,${exten}") in new stack`,
      () => `${pre}pbx.c: Executing [s@macro-dial-one:1] Set("${chA}", "DEXTEN=${exten}") in new stack`,
      () => `${pre}pbx.c: Executing [s@macro-dial-one:2] Dial("${chA}", "${dialTarget},,HhTtr") in new stack`,
      () => `DEBUG[${lwpA}][C-${cid}] channel.c: Set channel ${chA} to write format ulaw`,
      () => `${pre}app_dial.c: Called ${dialTarget}`,
      () => `${pre}app_dial.c: ${chB} is ringing`,
    ];
    if (answered) {
      steps.push(
        () => `${pre}app_dial.c: ${chB} answered ${chA}`,
        () => `${preB}bridge_channel.c: Channel ${chB} joined 'simple_bridge' basic-bridge <${bridge}>`,
        () => `${pre}bridge_channel.c: Channel ${chA} joined 'simple_bridge' basic-bridge <${bridge}>`,
        () => `${pre}res_rtp_asterisk.c: ${rtpPtr} -- Strict RTP learning after remote address set to: ${remoteRtp}`,
        () => `${pre}res_rtp_asterisk.c: ${rtpPtr} -- Strict RTP switching to RTP target address ${remoteRtp} as source`,
        () => `${preB}bridge.c: Bridge ${bridge}: switching from simple_bridge technology to native_rtp`,
        () => `${pre}res_rtp_asterisk.c: ${rtpPtr} -- Strict RTP learning complete - Locking on source address ${remoteRtp}`,
        () => `${preB}bridge_channel.c: Channel ${chB} left 'native_rtp' basic-bridge <${bridge}>`,
        () => `${pre}bridge_channel.c: Channel ${chA} left 'native_rtp' basic-bridge <${bridge}>`,
      );
    } else {
      steps.push(
        () => `${pre}app_dial.c: Nobody picked up in 20000 ms`,
        () => `${pre}pbx.c: Executing [s@macro-dial-one:3] Set("${chA}", "DIALSTATUS=NOANSWER") in new stack`,
        () => `${pre}pbx.c: Executing [${exten}@${ctx}:4] VoiceMail("${chA}", "${exten}@default,u") in new stack`,
        () => `${pre}app_voicemail.c: Playing ${exten}'s unavailable greeting`,
      );
    }
    steps.push(
      () => `${pre}pbx.c: Spawn extension (macro-dial-one, s, 2) exited non-zero on '${chA}' in macro 'dial-one'`,
      () => `${pre}pbx.c: Spawn extension (${ctx}, ${exten}, 3) exited non-zero on '${chA}'`,
      () => `${pre}pbx.c: Executing [h@${ctx}:1] Macro("${chA}", "hangupcall,") in new stack`,
      () => `${pre}pbx.c: Executing [s@macro-hangupcall:1] GotoIf("${chA}", "1?theend") in new stack`,
      () => `${pre}pbx.c: Goto (macro-hangupcall,s,3)`,
      () => `${pre}pbx.c: Executing [s@macro-hangupcall:3] Hangup("${chA}", "") in new stack`,
      () => `${pre}pbx.c: Spawn extension (macro-hangupcall, s, 3) exited non-zero on '${chA}' in macro 'hangupcall'`,
      () => `${pre}pbx.c: Spawn extension (${ctx}, h, 1) exited non-zero on '${chA}'`,
    );
    let i = 0;
    return {
      next: () => {
        const f = steps[i++];
        return f === undefined ? undefined : clock.stamp() + f();
      },
    };
  }

  /** Registrations, qualify results, security chatter and the usual warnings of a healthy box. */
  private background(out: LineSink): void {
    const rng = this.rng;
    const clock = this.clock;
    const ts = clock.stamp();
    const lwp = this.lwp();
    const p = rng.pick(this.phones);
    const contact = `sip:${p.ext}@${p.ip}:${p.port};ob`;
    const kind = weighted(rng, [
      [20, 'register'], [14, 'reachable'], [4, 'endpoint'], [6, 'sip-registered'], [3, 'sip-peer'],
      [12, 'security'], [2, 'removed'], [2, 'taskproc'], [2, 'codec'], [1, 'outreg'], [1, 'maxcontacts'],
      [6, 'debug'], [2, 'ami-ok'], [2, 'unreachable'],
    ] as const);
    const pjsipPhone = p.tech === 'PJSIP';
    switch (kind) {
      case 'register':
        if (pjsipPhone) out.push(`${ts}VERBOSE[${lwp}] res_pjsip_registrar.c: Added contact '${contact}' to AOR '${p.ext}' with expiration of ${rng.pick([60, 120, 300, 3600])} seconds`);
        else out.push(`${ts}VERBOSE[${lwp}] chan_sip.c: Registered SIP '${p.ext}' at ${p.ip}:${p.port}`);
        return;
      case 'reachable':
        out.push(`${ts}VERBOSE[${lwp}] res_pjsip/pjsip_options.c: Contact ${p.ext}/${contact} is now Reachable.  RTT: ${(rng.next() * 40 + 1).toFixed(3)} msec`);
        return;
      case 'unreachable':
        out.push(`${ts}VERBOSE[${lwp}] res_pjsip/pjsip_options.c: Contact ${p.ext}/${contact} is now Unreachable.  RTT: 0.000 msec`);
        return;
      case 'endpoint':
        out.push(`${ts}VERBOSE[${lwp}] res_pjsip/pjsip_configuration.c: Endpoint ${p.ext} is now Reachable`);
        return;
      case 'sip-registered':
        out.push(`${ts}VERBOSE[${lwp}] chan_sip.c: Registered SIP '${this.phones[52 + rng.int(0, 7)]!.ext}' at ${this.phones[52 + rng.int(0, 7)]!.ip}:5060`);
        return;
      case 'sip-peer':
        out.push(`${ts}NOTICE[${lwp}] chan_sip.c: Peer '${this.phones[52 + rng.int(0, 7)]!.ext}' is now Reachable. (${rng.int(2, 60)}ms / 2000ms)`);
        return;
      case 'security': {
        // A REGISTER refresh: challenge sent, then the phone authenticates (both Informational).
        const sid = `${rng.hex(3)}@${p.ip}`;
        const local = `IPV4/UDP/${PBX_IP}/5060`;
        const remote = `IPV4/UDP/${p.ip}/${p.port}`;
        if (rng.next() < 0.5) out.push(`${ts}SECURITY[${lwp}] res_security_log.c: SecurityEvent="ChallengeSent",EventTV="${clock.eventTv()}",Severity="Informational",Service="PJSIP",EventVersion="1",AccountID="${p.ext}",SessionID="${sid}",LocalAddress="${local}",RemoteAddress="${remote}",Challenge="${clock.unixSec()}/${rng.hex(4)}"`);
        else out.push(`${ts}SECURITY[${lwp}] res_security_log.c: SecurityEvent="SuccessfulAuth",EventTV="${clock.eventTv()}",Severity="Informational",Service="PJSIP",EventVersion="1",AccountID="${p.ext}",SessionID="${sid}",LocalAddress="${local}",RemoteAddress="${remote}",UsingPassword="1"`);
        return;
      }
      case 'removed':
        out.push(`${ts}VERBOSE[${lwp}] res_pjsip_registrar.c: Removed contact '${contact}' from AOR '${p.ext}' due to ${rng.pick(['request', 'expiration'])}`);
        return;
      case 'taskproc':
        out.push(`${ts}WARNING[${lwp}] taskprocessor.c: The 'stasis/p:channel:all-${rng.hex(1)}' task processor queue reached 500 scheduled tasks again.`);
        return;
      case 'codec':
        out.push(`${ts}WARNING[${lwp}][C-${this.callId()}] channel.c: Unable to find a codec translation path: (g729) -> (slin)`);
        return;
      case 'outreg':
        out.push(`${ts}WARNING[${lwp}] res_pjsip_outbound_registration.c: No response received from 'sip:sip.provider.example:5060' on registration attempt to 'sip:4930123456@sip.provider.example', retrying in '60'`);
        return;
      case 'maxcontacts':
        out.push(`${ts}WARNING[${lwp}] res_pjsip_registrar.c: Registration attempt from endpoint '${p.ext}' (${p.ip}:${p.port}) to AOR '${p.ext}' will exceed max contacts of 1`);
        return;
      case 'debug':
        out.push(`${ts}DEBUG[${lwp}] res_pjsip/pjsip_resolver.c: Performing SIP DNS resolution of target 'sip.provider.example'`);
        return;
      case 'ami-ok':
        out.push(`${ts}VERBOSE[${lwp}] manager.c: Manager 'admin' logged on from 127.0.0.1`);
        return;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Driver.

/**
 * Writes `opts.lines` lines through `write`. The attack share is kept exact over the file with a
 * credit counter: a burst may borrow ahead (credit goes negative), after which ordinary lines
 * follow until the share is repaid. Bursts therefore stay contiguous, as svcrack's are.
 */
export function generate(opts: GenOptions, write: (chunk: string) => void): GenStats {
  const rng = new Rng(opts.seed);
  const clock = new Clock(opts.startMs, opts.dateFormat);
  let callSeq = rng.int(0x100, 0x2000);
  const callId = (): string => (callSeq++).toString(16).padStart(8, '0');
  const lwps = Array.from({ length: 40 }, () => rng.int(1000, 32000));
  const lwp = (): number => lwps[Math.floor(rng.next() * lwps.length)]!;
  const expectedAttack = Math.round(opts.lines * opts.attackRatio);
  // Scale the slow pool with the attack volume: "many thousands" of addresses at both ratios.
  const attacks = new AttackGen(rng, clock, lwp, callId, Math.max(2000, Math.round(expectedAttack / 10)));
  const ordinary = new OrdinaryGen(rng, clock, lwp, callId);

  let buf: string[] = [];
  let bytes = 0;
  // an attack may write two lines (AMI's reason, then its failure): lines are counted as written
  let written = 0;
  const sink: LineSink = {
    push: (l) => {
      buf.push(l);
      written++;
    },
  };
  const flush = (): void => {
    if (buf.length === 0) return;
    const s = buf.join('\n') + '\n';
    bytes += Buffer.byteLength(s);
    write(s);
    buf = [];
  };

  let credit = 0;
  let attackLines = 0;
  let burst: Campaign | undefined;
  const firstTime = clock.iso();
  // About 55% of attack lines come in bursts (mean burst 490 lines, one started per ~400 slow
  // attack lines), the rest is low-and-slow.
  const burstStart = 1 / 400;
  while (written < opts.lines) {
    const before = written;
    // the share this line would bring the credit to, as if it were one line
    const due = credit + opts.attackRatio;
    let isAttack = false;
    if (burst !== undefined && burst.left > 0 && due > -burst.left) {
      // ordinary lines still slip in between a burst's lines (calls do not stop for an attack)
      isAttack = opts.attackRatio >= 1 || rng.next() < 0.93;
    } else if (due >= 1) {
      isAttack = true;
    }
    if (isAttack) {
      if ((burst === undefined || burst.left <= 0) && rng.next() < burstStart) burst = attacks.newBurst();
      if (burst !== undefined && burst.left > 0) {
        burst.left--;
        clock.ms += rng.exp(burst.gapMs);
        attacks.line(burst, sink);
      } else {
        // Slow attackers: spread out in time; in an all-attack log the gaps carry the clock alone.
        clock.ms += opts.attackRatio >= 1 ? rng.exp(1500) : rng.exp(50);
        attacks.slowLine(sink);
      }
    } else {
      // ~200 ms mean gap: 900,000 ordinary lines span about two days of a busy office PBX.
      clock.ms += burst !== undefined && burst.left > 0 ? rng.exp(5) : rng.exp(200);
      ordinary.line(sink);
    }
    const made = written - before;
    credit += opts.attackRatio * made - (isAttack ? made : 0);
    if (isAttack) attackLines += made;
    if (buf.length >= 8192) flush();
  }
  // a pair written last may pass the count by one (its second line is the AMI failure)
  if (written > opts.lines) {
    buf.length -= 1;
    attackLines--;
    attacks.byFamily.set('ami-authas', attacks.byFamily.get('ami-authas')! - 1);
  }
  flush();

  const byFamily: Record<string, number> = {};
  let expectedF2b = 0;
  for (const [f, count] of [...attacks.byFamily].sort((x, y) => y[1] - x[1])) {
    byFamily[f] = count;
    if (FAIL2BAN_MATCHES.has(f)) expectedF2b += count;
  }
  return {
    options: opts,
    generator: GENERATOR_VERSION,
    lines: opts.lines,
    bytes,
    attackLines,
    attackByFamily: byFamily,
    expectedFail2banMatches: expectedF2b,
    distinctAttackers: attacks.seen.size,
    distinctAttackersV6: attacks.seenV6,
    bursts: attacks.bursts,
    firstTime,
    lastTime: clock.iso(),
  };
}

/** Generates into `file` and writes `file.meta.json` next to it. */
export function generateFile(opts: GenOptions, file: string): GenStats {
  const fd = openSync(file, 'w');
  let stats: GenStats;
  try {
    stats = generate(opts, (chunk) => {
      writeSync(fd, chunk);
    });
  } finally {
    closeSync(fd);
  }
  writeFileSync(`${file}.meta.json`, JSON.stringify(stats, null, 2) + '\n');
  return stats;
}

export const DEFAULT_START_MS = Date.UTC(2026, 10, 25, 0, 0, 0);

function usage(msg: string): never {
  process.stderr.write(`gen-asterisk-log: ${msg}\nusage: gen-asterisk-log --lines N --attack-ratio R --out FILE|- [--seed S] [--date-format iso|iso-ms|classic]\n`);
  process.exit(2);
}

function cli(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: {
      lines: { type: 'string' },
      'attack-ratio': { type: 'string', default: '0.1' },
      out: { type: 'string' },
      seed: { type: 'string', default: '1' },
      'date-format': { type: 'string', default: 'iso' },
    },
    strict: true,
  });
  const lines = Number(values.lines);
  const ratio = Number(values['attack-ratio']);
  const seed = Number(values.seed);
  const df = values['date-format'];
  if (!Number.isInteger(lines) || lines < 0) usage('--lines must be a non-negative integer');
  if (!(ratio >= 0 && ratio <= 1)) usage('--attack-ratio must be between 0 and 1');
  if (!Number.isInteger(seed)) usage('--seed must be an integer');
  if (df !== 'iso' && df !== 'iso-ms' && df !== 'classic') usage('--date-format must be iso, iso-ms or classic');
  if (values.out === undefined) usage('--out is required (use - for stdout)');
  const opts: GenOptions = { lines, attackRatio: ratio, seed, dateFormat: df, startMs: DEFAULT_START_MS };
  const t0 = performance.now();
  const stats = values.out === '-' ? generate(opts, (c) => process.stdout.write(c)) : generateFile(opts, values.out);
  const s = (performance.now() - t0) / 1000;
  process.stderr.write(
    `${stats.lines} lines (${stats.attackLines} attack, ${stats.distinctAttackers} addresses, ${stats.distinctAttackersV6} IPv6, ` +
      `${stats.bursts} bursts), ${(stats.bytes / 1e6).toFixed(1)} MB, ${stats.firstTime} .. ${stats.lastTime}, in ${s.toFixed(2)} s\n`,
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) cli(process.argv.slice(2));
