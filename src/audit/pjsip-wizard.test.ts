/** @module pjsip_wizard.conf accounts are audited like hand-written PJSIP objects, with the wizard's own lines as evidence. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memorySource } from './conf/source.js';
import { runAudit } from './run-audit.js';
import { accounts, pjsipObjects } from './accounts.js';
import { loadPbx } from './pbx.js';

const WIZARD = `[user-template](!)
type = wizard
accepts_registrations = yes
accepts_auth = yes
endpoint/context = from-internal
endpoint/allow = !all,ulaw

[200](user-template)
inbound_auth/username = 200
inbound_auth/password = 200200

[itsp]
type = wizard
sends_auth = yes
sends_registrations = yes
remote_hosts = sip1.itsp.example:5060,sip2.itsp.example
outbound_auth/username = acct
outbound_auth/password = Qw8#zL2!mN5$rT7&
endpoint/context = from-itsp
`;
const EXT = `[from-internal]\nexten => _X.,1,Dial(PJSIP/\${EXTEN}@itsp)\n[from-itsp]\nexten => _X.,1,Goto(from-internal,\${EXTEN},1)\n`;
const tree = () => memorySource({ '/etc/asterisk/pjsip_wizard.conf': WIZARD, '/etc/asterisk/extensions.conf': EXT });

void test('wizard sections become an extension and a trunk with identify matches from remote_hosts', () => {
  const pbx = loadPbx(tree(), '/etc/asterisk');
  const pj = pjsipObjects(pbx);
  const roles = accounts(pbx, pj).map((a) => `${a.name}:${a.role}:${a.context}`);
  assert.deepEqual(roles.sort(), ['200:extension:from-internal', 'itsp:trunk:from-itsp']);
  assert.deepEqual(pj.identifies.flatMap((i) => i.entries.filter((e) => e.name === 'match').map((e) => e.value)), ['sip1.itsp.example', 'sip2.itsp.example']);
});

void test('wizard accounts get the PJSIP checks, pointing at the wizard lines', () => {
  const findings = runAudit({ source: tree(), asteriskDir: '/etc/asterisk' }).findings;
  const at = (id: string) => findings.filter((f) => f.id === id).map((f) => `${f.file}:${f.line}`);
  assert.deepEqual(at('secret-guessable'), ['pjsip_wizard.conf:10'], 'the password contains the extension');
  assert.deepEqual(at('pjsip-endpoint-no-acl'), ['pjsip_wizard.conf:8']);
  assert.deepEqual(at('pjsip-trunk-username-match'), ['pjsip_wizard.conf:12']);
  assert.deepEqual(at('dialplan-outbound-from-untrusted'), ['extensions.conf:4'], 'the trunk context passes the number to from-internal');
});
