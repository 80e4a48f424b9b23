/** @module Property test: no content in any of the audited files makes the whole audit throw. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { runAudit } from '../../src/audit/run-audit.js';
import { PBX_FILES } from '../../src/audit/pbx.js';
import { renderReport } from '../../src/audit/report/render.js';
import { asteriskTree } from './helpers.js';
import { CHECK_BY_ID } from '../../src/audit/catalog.js';

const line = fc.oneof(
  fc.constantFrom(
    '[general]', '[globals]', '[100]', '[t](!)', '[100](t)', '[anonymous]', '[x](+)', 'type=endpoint', 'type=auth', 'type=aor', 'type=identify', 'type=friend', 'type=user',
    'host=dynamic', 'host=1.2.3.4', 'context=a', 'context=b', 'auth=100', 'aors=100', 'password=', 'secret=1', 'endpoint=100', 'match=0.0.0.0/0', 'contact=sip:x',
    'enabled=yes', 'bindaddr=0.0.0.0', 'write=all', 'permit=127.0.0.1', 'exten => _X.,1,Goto(b,${EXTEN},1)', 'exten => s,1,Dial(PJSIP/${EXTEN}@100)', 'include => b',
    'same => n,DISA(no-password,a)', 'same => n,System(${CALLERID(num)})', '100 => 1234,x', 'max_contacts=99', 'requirecalltoken=no', 'live_dangerously=yes', '#include x.conf',
    '#exec /bin/true', 'security => security', 'noload => chan_sip.so',
  ),
  fc.string({ maxLength: 30 }),
  // any UTF-16 unit, control characters and lone surrogates included: config values are attacker-writable text
  fc.string({ unit: 'binary', maxLength: 30 }),
);
const file = fc.array(line, { maxLength: 25 }).map((l) => l.join('\n'));

void test('auditing arbitrary config content returns findings and renders in every format', () => {
  fc.assert(
    fc.property(fc.tuple(...PBX_FILES.map(() => file)), (texts) => {
      const files = Object.fromEntries(PBX_FILES.map((n, i) => [n, texts[i]!]));
      const result = runAudit({ source: asteriskTree(files), asteriskDir: '/etc/asterisk' });
      for (const f of result.findings) assert.ok(CHECK_BY_ID.has(f.id) && f.line >= 0, `${f.id} is not in the catalog`);
      for (const format of ['text', 'json', 'sarif', 'html'] as const) renderReport(format, result, { color: false, auditedDir: '/etc/asterisk' });
    }),
    { numRuns: 300 },
  );
});
