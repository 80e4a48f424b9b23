/**
 * The address is taken only from where Asterisk (or sshd) writes it. Attacker-controlled fields
 * (From URI, Call-ID, user names, AccountID, SessionID, digest fields, dialled numbers) carry fake
 * addresses in every disguise we could think of, and random mixtures of them; the fake must
 * never come out. A line that reads two ways is `ambiguous` and carries no address.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { LineParser } from '../src/parse/line-parser.js';
import { loadRulePack } from '../src/parse/rules/load.js';

const pack = await loadRulePack();
const parser = new LineParser(pack, Date.UTC(2026, 10, 25));
const REAL = '198.51.100.2';
const REAL6 = '2001:db8::2';

/** Templates of real log lines; `X` and `Y` mark attacker-controlled text, `R` the real address. */
const TEMPLATES: Array<{ name: string; line: string; real: string }> = [
  { name: 'chan_sip register', line: `[2026-11-25 10:00:01] NOTICE[1] chan_sip.c: Registration from '<sip:{X}@pbx>' failed for '{R}:5060' - Wrong password`, real: REAL },
  { name: 'chan_sip register (1.2, no port)', line: `[2026-11-25 10:00:01] NOTICE[1] chan_sip.c: Registration from '{X}' failed for '{R}' - No matching peer found`, real: REAL },
  // chan_sip's caller is the matched peer's name from sip.conf, empty for a guest: only the extension is the attacker's
  { name: 'chan_sip call', line: `[2026-11-25 10:00:01] NOTICE[1][C-00000001] chan_sip.c: Call from '' ({R}:5060) to extension '{X}{Y}' rejected because extension not found in context 'default'.`, real: REAL },
  { name: 'chan_sip call from a peer', line: `[2026-11-25 10:00:01] NOTICE[1][C-00000001] chan_sip.c: Call from 'itsp' ({R}:5060) to extension '{Y}{X}' rejected because extension not found in context 'from-trunk'.`, real: REAL },
  { name: 'pjsip distributor', line: `[2026-11-25 10:00:01] NOTICE[1] res_pjsip/pjsip_distributor.c: Request 'REGISTER' from '<sip:{X}@pbx>' failed for '{R}:5060' (callid: {Y}) - Failed to authenticate`, real: REAL },
  { name: 'pjsip distributor IPv6', line: `[2026-11-25 10:00:01] NOTICE[1] res_pjsip/pjsip_distributor.c: Request 'INVITE' from '"{X}" <sip:1@pbx>' failed for '[{R}]:5060' (callid: {Y}) - No matching endpoint found`, real: REAL6 },
  { name: 'pjsip session', line: `[2026-11-25 10:00:01] NOTICE[1] res_pjsip_session.c: anonymous: Call (UDP:{R}:5060) to extension '{X}' rejected because extension not found in context 'from-external'.`, real: REAL },
  { name: 'iax2 registration', line: `[2026-11-25 10:00:01] NOTICE[1] chan_iax2.c: No registration for peer '{X}' (from {R})`, real: REAL },
  { name: 'iax2 md5', line: `[2026-11-25 10:00:01] NOTICE[1] chan_iax2.c: Host {R} failed MD5 authentication for '{X}' (abc != def)`, real: REAL },
  { name: 'ami', line: `[2026-11-25 10:00:01] NOTICE[1] manager.c: {R} failed to authenticate as '{X}'`, real: REAL },
  { name: 'ami unknown user', line: `[2026-11-25 10:00:01] NOTICE[1] manager.c: {R} tried to authenticate with nonexistent user '{X}'`, real: REAL },
  { name: 'ami acl', line: `[2026-11-25 10:00:01] NOTICE[1] manager.c: {R} failed to pass IP ACL as '{X}'`, real: REAL },
  {
    name: 'security InvalidAccountID',
    line: `[2026-11-25 10:00:01] SECURITY[1] res_security_log.c: SecurityEvent="InvalidAccountID",EventTV="2026-11-25T10:00:01.000+0000",Severity="Error",Service="PJSIP",EventVersion="1",AccountID="{X}",SessionID="{Y}",LocalAddress="IPV4/UDP/10.0.0.1/5060",RemoteAddress="IPV4/UDP/{R}/5060"`,
    real: REAL,
  },
  {
    name: 'security ChallengeResponseFailed',
    line: `[2026-11-25 10:00:01] SECURITY[1] res_security_log.c: SecurityEvent="ChallengeResponseFailed",EventTV="2026-11-25T10:00:01.000+0000",Severity="Error",Service="PJSIP",EventVersion="1",AccountID="{X}",SessionID="s",LocalAddress="IPV4/UDP/10.0.0.1/5060",RemoteAddress="IPV4/UDP/{R}/5060",Challenge="c",Response="{Y}",ExpectedResponse=""`,
    real: REAL,
  },
  {
    name: 'security InvalidPassword',
    line: `[2026-11-25 10:00:01] SECURITY[1] res_security_log.c: SecurityEvent="InvalidPassword",EventTV="1",Severity="Error",Service="SIP",EventVersion="2",AccountID="{X}",SessionID="0x1",LocalAddress="IPV4/UDP/10.0.0.1/5060",RemoteAddress="IPV6/UDP/{R}/5060",Challenge="c",ReceivedChallenge="{Y}",ReceivedHash="{Y}"`,
    real: REAL6,
  },
];

// sshd and web servers: the user name, request and headers are the attacker's
TEMPLATES.push(
  { name: 'sshd invalid user', line: `Nov 25 10:00:01 pbx sshd[2737]: Failed password for invalid user {X} from {R} port 41000 ssh2`, real: REAL },
  { name: 'sshd invalid user (no port)', line: `Nov 25 10:00:01 pbx sshd[2737]: Invalid user {X} from {R}`, real: REAL },
  { name: 'sshd invalid user IPv6', line: `Nov 25 10:00:01 pbx sshd-session[2737]: Invalid user {X} from {R} port 41000`, real: REAL6 },
  // the client's banner, after the address
  { name: 'sshd SSH 1 client', line: `Nov 25 10:00:01 pbx sshd[2738]: Protocol major versions differ for {R} port 41001: SSH-2.0-OpenSSH_7.4 vs. {X}`, real: REAL },
  { name: 'sshd bad banner', line: `Nov 25 10:00:01 pbx sshd[2739]: Bad protocol version identification '{X}' from {R} port 41002`, real: REAL6 },
  {
    name: 'nginx user not found',
    line: `2026/11/25 10:00:01 [error] 123#0: *1 user "{X}" was not found in "/etc/nginx/.htpasswd", client: {R}, server: pbx, request: "GET /{Y} HTTP/1.1", host: "pbx"`,
    real: REAL,
  },
  {
    name: 'nginx access forbidden',
    line: `2026/11/25 10:00:01 [error] 123#0: *1 access forbidden by rule, client: {R}, server: pbx, request: "GET /{X} HTTP/1.1", host: "{Y}"`,
    real: REAL,
  },
  { name: 'apache 2.4 form login', line: `[Wed Nov 25 10:00:01.123456 2026] [auth_form:error] [pid 1:tid 2] [client {R}:5555] AH01807: user '{X}': authentication failure for "/{Y}": password Mismatch`, real: REAL6 },
  { name: 'apache 2.4 user not found', line: `[Wed Nov 25 10:00:01.123456 2026] [auth_basic:error] [pid 1:tid 2] [client {R}:5555] AH01618: user {X} not found: /{Y}`, real: REAL },
  // 2.4 writes an IPv6 client unbracketed before its port
  { name: 'apache 2.4 IPv6 wrong password', line: `[Wed Nov 25 10:00:01.123456 2026] [auth_basic:error] [pid 1:tid 2] [client {R}:5555] AH01617: user {X}: authentication failure for "/{Y}": Password Mismatch`, real: REAL6 },
  { name: 'access log 401', line: `{R} - - [25/Nov/2026:10:00:01 +0000] "GET /{X} HTTP/1.1" 401 0 "-" "{Y}"`, real: REAL },
);

const FAKE4 = '203.0.113.66';
const FAKE6 = '2001:db8:bad::66';

/** Fake addresses in the disguises an attacker would try. */
const DISGUISES = [
  FAKE4,
  `${FAKE4}:5060`,
  `[${FAKE6}]:5060`,
  FAKE6,
  `::ffff:${FAKE4}`,
  `' failed for '${FAKE4}' - Wrong password`,
  `' failed for '${FAKE4}:5060' (callid: z) - Failed to authenticate`,
  `' failed for '${FAKE4}:5060' - No matching peer found`,
  `) - No matching endpoint found' failed for '${FAKE4}:5060' (callid: `,
  `' (${FAKE4}:5060) to extension '1`,
  `: Call (UDP:${FAKE4}:5060) to extension '`,
  `' (from ${FAKE4})`,
  `",LocalAddress="IPV4/UDP/10.0.0.1/5060",RemoteAddress="IPV4/UDP/${FAKE4}/5060"`,
  `",RemoteAddress="IPV6/UDP/${FAKE6}/5060",Challenge="c",Response="r",ExpectedResponse="`,
  `",SessionID="s",LocalAddress="IPV4/UDP/10.0.0.1/5060",RemoteAddress="IPV4/UDP/${FAKE4}/5060",Challenge="c",Response="`,
  `\u001b[31m${FAKE4}\u001b[0m`,
  `${FAKE4}\u0000`,
  `sip:1@${FAKE4}`,
  `Host ${FAKE4} failed MD5 authentication for 'a`,
  ` from ${FAKE4} port 22 ssh2`,
  ` from ${FAKE4} port 22 ssh2: RSA SHA256:x`,
  ` from ${FAKE6} port 22`,
  `", client: ${FAKE4}, server: x, request: "GET / HTTP/1.1", host: "x`,
  `[client ${FAKE4}:1] AH01618: user x not found: /`,
  `" 401 0 "-" "x"\n${FAKE4} - - [25/Nov/2026:10:00:01 +0000] "GET /`,
];

function fill(t: { line: string; real: string }, x: string, y: string): string {
  return t.line.replace('{R}', t.real).replaceAll('{X}', x).replaceAll('{Y}', y);
}

const FAKES = new Set([FAKE4, FAKE6, '2001:db8:bad::66']);

function check(name: string, line: string, real: string): void {
  const { result } = parser.parse(line);
  // a line that ends a connection counted before (the same pid reused here) still read an address
  if (result.status === 'event' || result.status === 'counted-before') {
    assert.ok(!FAKES.has(result.event.ip!), `${name}: fake address taken from ${JSON.stringify(line)}`);
    assert.equal(result.event.ip, real, `${name}: wrong address from ${JSON.stringify(line)}`);
  } else if (result.status === 'ambiguous') {
    assert.equal(result.event.ip, undefined);
  }
  // no-match is acceptable: a mangled line that fits no format gives nothing
}

test('a fake address in any attacker-controlled field never becomes the event address', () => {
  let events = 0;
  for (const t of TEMPLATES) {
    for (const x of DISGUISES) {
      for (const y of ['cafe', ...DISGUISES]) {
        const line = fill(t, x, y);
        check(t.name, line, t.real);
        const { status } = parser.parse(line).result;
        if (status === 'event' || status === 'counted-before') events++;
      }
    }
  }
  // the disguises must not all have broken the lines: most still parse to the real address
  assert.ok(events > TEMPLATES.length * 50, `only ${events} lines gave an event`);
});

test('the plain templates give the real address (the property test above is not vacuous)', () => {
  for (const t of TEMPLATES) {
    const { result } = parser.parse(fill(t, '1001', 'abc'));
    assert.ok(result.status === 'event' || result.status === 'counted-before', `${t.name}: ${result.status}`);
    assert.equal(result.event.ip, t.real, t.name);
  }
});

test('random mixtures of quotes, separators and fake addresses never yield a fake address', () => {
  const pieces = fc.constantFrom(...DISGUISES, "'", '"', ',', ' - ', ')', '(', ':', '/', ' ', 'a', '\\', '%', 'Wrong password', 'failed for ');
  const hostile = fc.array(pieces, { maxLength: 6 }).map((a) => a.join(''));
  fc.assert(
    fc.property(fc.integer({ min: 0, max: TEMPLATES.length - 1 }), hostile, hostile, (i, x, y) => {
      const t = TEMPLATES[i]!;
      check(t.name, fill(t, x, y), t.real);
    }),
    { numRuns: 5000 },
  );
});
