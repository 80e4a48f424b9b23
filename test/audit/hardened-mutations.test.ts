/** @module Breaking one thing in the hardened twin makes exactly the matching check fire: the twin is clean because it is right, not because checks are blind. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runAudit } from '../../src/audit/run-audit.js';
import { memorySource } from '../../src/audit/conf/source.js';
import { auditSshd } from '../../src/audit/sshd/check.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HARDENED, asteriskTree, exampleFiles } from './helpers.js';

interface Mutation {
  file: string;
  from: string | RegExp;
  to: string;
  expect: string;
}

const MUTATIONS: Mutation[] = [
  { file: 'pjsip.auth.conf', from: 'q7#Vt9!rKx2$Lm4pZw', to: '100', expect: 'secret-guessable' },
  { file: 'pjsip.auth.conf', from: 'Hn3&uY8*cB6^dR1sQe', to: 'Hn3&uY8', expect: 'secret-weak' },
  { file: 'pjsip.auth.conf', from: 'Hn3&uY8*cB6^dR1sQe', to: '', expect: 'secret-empty' },
  { file: 'manager.conf', from: 'Zr6!Kp2#Wm9$Tb4&Qx', to: 'admin', expect: 'secret-guessable' },
  { file: 'voicemail.conf', from: '482916', to: '101', expect: 'voicemail-pin-weak' },
  { file: 'pjsip.endpoint.conf', from: /acl = office-lan.*\ncontact_acl = office-lan/, to: '', expect: 'pjsip-endpoint-no-acl' },
  { file: 'acl.conf', from: 'deny = 0.0.0.0/0.0.0.0\n', to: '', expect: 'pjsip-endpoint-no-acl' },
  { file: 'pjsip.endpoint.conf', from: 'acl = office-lan ', to: 'acl = office-lan,office-wifi ', expect: 'none' },
  { file: 'pjsip.endpoint.conf', from: 'match = 198.51.100.10,198.51.100.11', to: 'match = 0.0.0.0/0', expect: 'pjsip-identify-any' },
  { file: 'pjsip.endpoint.conf', from: /\[provider-identify\][^[]*/, to: '', expect: 'pjsip-trunk-no-identify' },
  { file: 'pjsip.endpoint.conf', from: '[provider-identify]', to: '[anonymous]\ntype = endpoint\ncontext = from-trunk\n\n[provider-identify]', expect: 'pjsip-anonymous-endpoint' },
  { file: 'pjsip.endpoint.conf', from: 'identify_by = ip ', to: 'identify_by = ip,username ', expect: 'pjsip-trunk-username-match' },
  { file: 'pjsip.endpoint.conf', from: '[provider]', to: '[lobby]\ntype = endpoint\ncontext = from-internal\n\n[provider]', expect: 'pjsip-endpoint-no-auth' },
  { file: 'pjsip.endpoint.conf', from: '[provider]', to: '[lobby]\ntype = endpoint\ncontext = from-internal\n\n[provider]', expect: 'dialplan-outbound-from-untrusted' },
  { file: 'pjsip.conf', from: 'bind = 0.0.0.0', to: 'bind = [::]', expect: 'acl-ipv6-open' },
  { file: 'pjsip.aor.conf', from: 'max_contacts = 1\nremove_existing = yes\n\n[101]', to: 'max_contacts = 20\n\n[101]', expect: 'pjsip-aor-many-contacts' },
  { file: 'manager.conf', from: 'bindaddr = 127.0.0.1', to: 'bindaddr = 0.0.0.0', expect: 'ami-bound-all' },
  {
    file: 'manager.conf',
    from: 'permit = 127.0.0.1/255.255.255.255\nread = call,agent\nwrite = call',
    to: 'permit = 192.168.10.0/255.255.255.0\nread = call,agent\nwrite = call,originate',
    expect: 'ami-dangerous-rights',
  },
  { file: 'manager.conf', from: 'deny = 0.0.0.0/0.0.0.0\npermit = 127.0.0.1/255.255.255.255\n', to: '', expect: 'ami-user-no-acl' },
  { file: 'manager.conf', from: 'webenabled = no', to: 'webenabled = yes', expect: 'ami-over-http' },
  { file: 'manager.conf', from: 'webenabled = no', to: 'webenabled = t', expect: 'ami-over-http' },
  { file: 'http.conf', from: 'bindaddr = 127.0.0.1', to: 'bindaddr = ::', expect: 'http-bound-all' },
  { file: 'logger.conf', from: /security => security.*/, to: '', expect: 'security-log-off' },
  { file: 'asterisk.conf', from: 'live_dangerously = no', to: 'live_dangerously = yes', expect: 'live-dangerously' },
  { file: 'asterisk.conf', from: 'execincludes = no', to: 'execincludes = yes', expect: 'execincludes-on' },
  { file: 'extensions.conf', from: '[from-trunk]', to: '[from-trunk]\ninclude = from-internal', expect: 'dialplan-outbound-from-untrusted' },
  { file: 'extensions.conf', from: 'exten => i,1,Hangup()\nexten => t,1,Hangup()', to: 'exten => i,1,Hangup()\nexten => t,1,Hangup()\ninclude = outbound', expect: 'dialplan-outbound-from-untrusted' },
  { file: 'extensions.conf', from: 'exten => 2,1,Goto(internal-extensions,101,1)', to: 'exten => 2,1,DISA(no-password,outbound)', expect: 'dialplan-disa-reachable' },
  { file: 'extensions.conf', from: 'Authenticate(/etc/asterisk/intl-pins,m)', to: 'NoOp()', expect: 'dialplan-international-open' },
  { file: 'extensions.conf', from: 'Dial(${TRUNK}/${FILTER(0-9,${EXTEN})})', to: 'Dial(${TRUNK}/${EXTEN})', expect: 'dialplan-exten-unfiltered' },
  { file: 'extensions.conf', from: 'same => n,Hangup()\nexten => _09XX.', to: 'same => n,System(/bin/log ${CALLERID(name)})\nexten => _09XX.', expect: 'dialplan-shell-injection' },
  { file: 'extensions.conf', from: '#tryinclude extensions_custom.conf', to: '#exec /usr/local/bin/make-contexts', expect: 'config-exec' },
  { file: 'extensions.conf', from: '#tryinclude extensions_custom.conf', to: '#include extensions_missing.conf', expect: 'config-parse-error' },
];

for (const m of MUTATIONS) {
  void test(`the hardened twin with ${m.file} changed to ${JSON.stringify(m.to.slice(0, 40))} reports ${m.expect === 'none' ? 'nothing' : m.expect}`, () => {
    const files = exampleFiles(HARDENED);
    const before = files[m.file]!;
    const after = before.replace(m.from, m.to);
    assert.notEqual(after, before, 'the mutation did not apply: the example changed?');
    files[m.file] = after;
    const ids = runAudit({ source: asteriskTree(files), asteriskDir: '/etc/asterisk' }).findings.map((f) => f.id);
    if (m.expect === 'none') assert.deepEqual(ids, []);
    else assert.ok(ids.includes(m.expect), `expected ${m.expect}, got ${JSON.stringify(ids)}`);
  });
}

void test('originate rights for an AMI user permitted only from localhost are not reported', () => {
  const files = exampleFiles(HARDENED);
  files['manager.conf'] = files['manager.conf']!.replace('write = call', 'write = call,originate,system');
  assert.deepEqual(runAudit({ source: asteriskTree(files), asteriskDir: '/etc/asterisk' }).findings, []);
});

void test('an IPv6 listener with ACLs that also deny ::/0 is not reported', () => {
  const files = exampleFiles(HARDENED);
  files['pjsip.conf'] = files['pjsip.conf']!.replace('bind = 0.0.0.0', 'bind = [::]');
  files['acl.conf'] = files['acl.conf']!.replace('deny = 0.0.0.0/0.0.0.0', 'deny = 0.0.0.0/0.0.0.0\ndeny = ::/0');
  assert.deepEqual(runAudit({ source: asteriskTree(files), asteriskDir: '/etc/asterisk' }).findings, []);
});

void test('a short voicemail PIN is medium, and high once callers from outside reach VoiceMailMain()', () => {
  const files = exampleFiles(HARDENED);
  files['voicemail.conf'] = files['voicemail.conf']!.replace('482916', '4829');
  const pin = () => runAudit({ source: asteriskTree(files), asteriskDir: '/etc/asterisk' }).findings.filter((f) => f.id === 'voicemail-pin-weak');
  assert.deepEqual(pin().map((f) => f.severity), ['medium']);
  files['extensions.conf'] = files['extensions.conf']!.replace('exten => 5551001,1,Goto(internal-extensions,101,1)', 'exten => 5551001,1,VoiceMailMain(@default)');
  const remote = pin();
  assert.deepEqual(remote.map((f) => f.severity), ['high']);
  assert.match(remote[0]!.why, /Callers from outside reach VoiceMailMain\(\) at extensions\.conf:\d+/);
});

void test('strictrtp=no in an added rtp.conf is reported', () => {
  const files = exampleFiles(HARDENED);
  files['rtp.conf'] = '[general]\nrtpstart=10000\nrtpend=20000\nstrictrtp=no\n';
  assert.deepEqual(runAudit({ source: asteriskTree(files), asteriskDir: '/etc/asterisk' }).findings.map((f) => `${f.id} ${f.file}:${f.line}`), ['rtp-strict-off rtp.conf:4']);
});

void test('chan_sip and IAX2 checks run once their modules are no longer disabled', () => {
  const files = exampleFiles(HARDENED);
  files['modules.conf'] = '[modules]\nautoload = yes\n';
  files['sip.conf'] = '[general]\ncontext = public\n\n[fax]\ntype = friend\nhost = dynamic\n';
  files['iax.conf'] = '[general]\nrequirecalltoken = no\n';
  const ids = runAudit({ source: asteriskTree(files), asteriskDir: '/etc/asterisk' }).findings.map((f) => f.id);
  for (const id of ['sip-allowguest', 'secret-empty', 'iax-calltoken-disabled', 'iax-authdebug-off']) assert.ok(ids.includes(id), `${id} missing from ${JSON.stringify(ids)}`);
});

void test('the hardened sshd_config with root login turned on reports ssh-root-login only', () => {
  const text = readFileSync(join(HARDENED, 'ssh/sshd_config'), 'utf8').replace('PermitRootLogin no', 'PermitRootLogin yes');
  const ids = auditSshd(memorySource({ '/etc/ssh/sshd_config': text }), '/etc/ssh/sshd_config').findings.map((f) => f.id);
  assert.deepEqual(ids, ['ssh-root-login']);
});

void test("yes/no options are read with Asterisk's own words (ast_true: yes, true, y, t, 1, on)", () => {
  const ids = (edit: (files: Record<string, string>) => void): string[] => {
    const files = exampleFiles(HARDENED);
    files['modules.conf'] = '[modules]\nautoload = yes\n';
    files['sip.conf'] = '[general]\ncontext = public\nalwaysauthreject = yes\n';
    files['iax.conf'] = '[general]\nauthdebug = yes\n';
    edit(files);
    return runAudit({ source: asteriskTree(files), asteriskDir: '/etc/asterisk' }).findings.map((f) => f.id).sort();
  };
  assert.deepEqual(ids(() => {}), ['sip-allowguest'], 'the base of this test: chan_sip guests are on by default');
  assert.deepEqual(ids((f) => (f['sip.conf'] += 'allowguest = off\n')), [], 'off is as good as no');
  assert.deepEqual(ids((f) => (f['sip.conf'] += 'allowguest = n\nalwaysauthreject = false\n')), ['sip-alwaysauthreject-off']);
  const iax = (f: Record<string, string>): void => {
    f['sip.conf'] += 'allowguest = no\n';
    f['iax.conf'] = '[general]\nauthdebug = t\nrequirecalltoken = off\n';
  };
  assert.deepEqual(ids(iax), ['iax-calltoken-disabled']);
  assert.deepEqual(ids((f) => (f['asterisk.conf'] = f['asterisk.conf']!.replace('live_dangerously = no', 'live_dangerously = y'))), ['live-dangerously', 'sip-allowguest']);
  assert.deepEqual(ids((f) => (f['rtp.conf'] = '[general]\nstrictrtp = seqno\n')), ['sip-allowguest'], 'seqno is strict');
  assert.deepEqual(ids((f) => (f['rtp.conf'] = '[general]\nstrictrtp = f\n')), ['rtp-strict-off', 'sip-allowguest']);
});

void test('both http.conf listeners are judged alike, bind addresses with a port included', () => {
  const http = (lines: string): string[] => {
    const files = exampleFiles(HARDENED);
    files['http.conf'] = `[general]\nenabled = yes\nbindaddr = 127.0.0.1\n${lines}`;
    return runAudit({ source: asteriskTree(files), asteriskDir: '/etc/asterisk' }).findings.map((f) => `${f.id} ${f.severity} ${f.file}:${f.line}`);
  };
  assert.deepEqual(http('tlsenable = yes\ntlsbindaddr = 127.0.0.1:8089\n'), []);
  assert.deepEqual(http('tlsenable = yes\ntlsbindaddr = [::1]:8089\n'), []);
  assert.deepEqual(http('tlsenable = no\ntlsbindaddr = 0.0.0.0:8089\n'), []);
  assert.deepEqual(http('tlsenable = yes\ntlsbindaddr = 0.0.0.0:8089\n'), ['http-bound-all medium http.conf:5']);
  assert.deepEqual(http('tlsenable = yes\ntlsbindaddr = [::]:8089\n'), ['http-bound-all medium http.conf:5']);
  assert.deepEqual(http('tlsenable = yes\ntlsbindaddr = 192.168.1.5:8089\n'), ['http-bound-all low http.conf:5']);
  assert.deepEqual(http('tlsenable = yes\n'), ['http-bound-all medium http.conf:4']);
});
