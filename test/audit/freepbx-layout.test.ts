/** @module FreePBX's file layout and dialplan idioms (macro-dialout-trunk, ${OUT_n} globals, ext-did, IVRs) are followed. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateFreepbx } from '../../bench/audit-freepbx.lib.js';
import { runAudit } from '../../src/audit/run-audit.js';
import { loadPbx } from '../../src/audit/pbx.js';
import { accounts } from '../../src/audit/accounts.js';
import { asteriskTree } from './helpers.js';

const small = { extensions: 40, trunks: 6, contexts: 60 };

void test('a generated FreePBX tree is read through its includes into accounts of the right roles', () => {
  const pbx = loadPbx(asteriskTree(generateFreepbx(small)), '/etc/asterisk');
  assert.ok(pbx.files['pjsip.conf']!.files.includes('pjsip.endpoint.conf'));
  assert.ok(pbx.files['extensions.conf']!.files.includes('extensions_additional.conf'));
  const all = accounts(pbx);
  assert.equal(all.filter((a) => a.role === 'extension').length, small.extensions);
  assert.equal(all.filter((a) => a.role === 'trunk').length, small.trunks);
});

void test('the generated FreePBX tree audits clean', () => {
  assert.deepEqual(runAudit({ source: asteriskTree(generateFreepbx(small)), asteriskDir: '/etc/asterisk' }).findings, []);
});

void test('an inbound route into from-internal is found through ext-did, the outbound route and macro-dialout-trunk', () => {
  const files = generateFreepbx(small);
  // the classic mistake: a custom DID pointing at from-internal with the dialled number
  files['extensions_custom.conf'] += '\n[from-pstn-custom]\nexten => _X.,1,Goto(from-internal,${EXTEN},1)\n';
  const findings = runAudit({ source: asteriskTree(files), asteriskDir: '/etc/asterisk' }).findings.filter((f) => f.id === 'dialplan-outbound-from-untrusted');
  assert.ok(findings.length > 0);
  const path = findings[0]!.path!.join('\n');
  assert.match(path, /\[from-pstn\] include => from-pstn-custom/);
  assert.match(path, /\[macro-dialout-trunk\] s,\d+: Dial\(\$\{OUT_\$\{DIAL_TRUNK\}\}/);
  assert.match(findings[0]!.evidence, /reaches Dial\(PJSIP\/trunk\d+\//);
});
