import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseEnvelope } from './envelope.js';

test('the default Asterisk file format gives source file, timestamp and message', () => {
  const e = parseEnvelope('[2013-02-05 23:44:42] NOTICE[436][C-00000fa9] chan_sip.c: Call from x');
  assert.deepEqual(e, { family: 'asterisk', file: 'chan_sip.c', msg: 'Call from x', ts: '2013-02-05 23:44:42' });
});

test('the plain format (file:line function) and a space before the lwp bracket are understood', () => {
  const p = parseEnvelope('[Jan 18 17:39:50] NOTICE[12049]: res_pjsip_session.c:2337 new_invite: Call from y');
  assert.equal(p.file, 'res_pjsip_session.c');
  assert.equal(p.msg, 'Call from y');
  const s = parseEnvelope('[2016-06-09 00:01:02] NOTICE [22382] manager.c: 192.0.2.1 failed');
  assert.equal(s.file, 'manager.c');
});

test('Asterisk through syslog keeps the syslog time unless the line carries its own', () => {
  const a = parseEnvelope('Nov 4 18:30:40 localhost asterisk[32229]: NOTICE[32257]: chan_sip.c:23417 in handle_request_register: Registration');
  assert.equal(a.family, 'asterisk');
  assert.equal(a.ts, 'Nov 4 18:30:40');
  assert.equal(a.msg, 'Registration');
  const b = parseEnvelope('server asterisk[123]: [Mar 27 10:06:14] NOTICE[566]: chan_sip.c:28926 handle_request_register: Registration');
  assert.equal(b.ts, 'Mar 27 10:06:14');
});

test('dialplan Log() lines have the file `Ext.` whatever the extension', () => {
  assert.equal(parseEnvelope('[2013-11-11 14:33:38] WARNING[6756][C-0000001d] Ext. s: "Rejecting"').file, 'Ext.');
  assert.equal(parseEnvelope('Mar  1 15:35:53 pbx asterisk[2350]: WARNING[1195][C-00000b43]: Ext. s:6 in @ from-sip-external: "Rejecting"').msg, '"Rejecting"');
});

test('sshd lines through syslog and journal prefixes are the sshd family', () => {
  assert.equal(parseEnvelope('Jan 18 15:37:58 mail sshd[12345]: Failed password').family, 'sshd');
  assert.equal(parseEnvelope('srv sshd[1]: Invalid user x from 1.2.3.4').family, 'sshd');
  assert.equal(parseEnvelope('2026-11-25T10:00:01.123456+01:00 host sshd-session[99]: Failed').family, 'sshd');
});

test("journalctl's short-full and short-unix lines give their time, program and pid", () => {
  const full = parseEnvelope('Thu 2026-11-26 12:00:01 CET pbx sshd[812]: Failed password for root from 192.0.2.1 port 22 ssh2');
  assert.deepEqual([full.family, full.ts, full.program, full.pid, full.msg], ['sshd', 'Thu 2026-11-26 12:00:01 CET', 'sshd', '812', 'Failed password for root from 192.0.2.1 port 22 ssh2']);
  const unix = parseEnvelope('1764158401.123456 pbx asterisk[1200]: NOTICE[1250] chan_sip.c: x');
  assert.deepEqual([unix.family, unix.ts, unix.file], ['asterisk', '1764158401.123456', 'chan_sip.c']);
});

test("Asterisk's console colours are taken out of a line that reads as nothing with them, and only there", () => {
  const e = '\x1b';
  const coloured = parseEnvelope(`[2026-11-25 11:01:00] ${e}[1;33mNOTICE${e}[0m[1250]: ${e}[1;37mres_pjsip/pjsip_distributor.c${e}[0m:676 ${e}[1;37mlog_failed_request${e}[0m: Request 'REGISTER' failed`);
  assert.deepEqual([coloured.family, coloured.ts, coloured.file, coloured.msg], ['asterisk', '2026-11-25 11:01:00', 'res_pjsip/pjsip_distributor.c', "Request 'REGISTER' failed"]);
  const bare = parseEnvelope(`${e}[1;31mWARNING${e}[0m[1250]: ${e}[1;37mchan_sip.c${e}[0m:1 ${e}[1;37mf${e}[0m: x`);
  assert.deepEqual([bare.family, bare.file, bare.msg], ['asterisk', 'chan_sip.c', 'x']);
  // attacker text with escape codes in a line that reads as it is stays as written
  const sshd = parseEnvelope(`Nov 25 10:00:01 pbx sshd[1]: Invalid user ${e}[0mroot from 192.0.2.1 port 22`);
  assert.equal(sshd.msg, `Invalid user ${e}[0mroot from 192.0.2.1 port 22`);
  // codes nested thousands deep in a FreePBX user name (each level once cost a recursive parse, and
  // the stack ran out): the line is read as it is
  const nested = `Authentication failure for admin${`${e}[`.repeat(20_000)}${'m'.repeat(20_000)} from 192.0.2.7`;
  const freepbx = parseEnvelope(`[2026-11-25 10:00:00] ${nested}`);
  assert.deepEqual([freepbx.family, freepbx.program, freepbx.msg], ['syslog', 'freepbx_security', nested]);
});

test('garbage, empty lines and lone brackets are the unknown family, without throwing', () => {
  for (const l of ['', '[', ']', '[] ', '\u0000\u0001', '[2026-11-25 10:00:01] ', '[x] NOTICE[1]', 'NOTICE[1]: ', '\uFFFD'.repeat(1000)]) {
    const e = parseEnvelope(l);
    assert.equal(typeof e.msg, 'string');
  }
});
