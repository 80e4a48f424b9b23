/** @module Corpus test: the whole audit on Asterisk's own configs (basic-pbx, every sample, the testsuite's ACL setups). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAudit } from '../src/audit/run-audit.js';
import { diskSource, memorySource } from '../src/audit/conf/source.js';
import { readFileSync } from 'node:fs';
import { loadPbx } from '../src/audit/pbx.js';
import { judgeAcl, namedAcls } from '../src/audit/acl.js';

const corpora = resolve(fileURLToPath(import.meta.url), '../../../shared/corpora');
const basicPbx = join(corpora, 'asterisk/configs/basic-pbx');
const testsuite = join(corpora, 'asterisk-testsuite/tests/channels');

void test('the corpus folders for the audit are present', () => {
  for (const d of [basicPbx, join(corpora, 'asterisk/configs/samples'), testsuite]) assert.ok(existsSync(d), `missing ${d}: see /work/shared/corpora/README.md`);
});

void test('basic-pbx: its blocked international and premium prefixes hold, and its real weaknesses are reported', () => {
  const ids = runAudit({ source: diskSource(), asteriskDir: basicPbx }).findings.map((f) => `${f.id} ${f.file}`);
  // Outbound-Dial hangs up _011. and the 900/976 ranges before its _X. catch-all, and DCS-Incoming only reaches DIDs
  assert.ok(!ids.some((i) => i.startsWith('dialplan-international-open') || i.startsWith('dialplan-outbound-from-untrusted')), JSON.stringify(ids));
  // dcs-endpoint has no inbound auth and the default identify_by=username,ip
  assert.ok(ids.includes('pjsip-trunk-username-match pjsip.conf'), JSON.stringify(ids));
  assert.ok(ids.includes('dialplan-exten-unfiltered extensions.conf'));
  assert.ok(ids.includes('security-log-off logger.conf'));
});

void test("Asterisk's sample configs, read as one /etc/asterisk, audit without error", () => {
  const files: Record<string, string> = {};
  for (const dir of ['asterisk/configs/samples', 'asterisk/configs-branch20-removed/samples']) {
    for (const name of readdirSync(join(corpora, dir))) files[`/etc/asterisk/${basename(name, '.sample')}`] = readFileSync(join(corpora, dir, name), 'utf8');
  }
  const result = runAudit({ source: memorySource(files), asteriskDir: '/etc/asterisk' });
  const ids = new Set(result.findings.map((f) => f.id));
  // the samples' own insecure defaults: chan_sip guests, an IAX2 guest user, demo voicemail PINs, no security log
  for (const id of ['sip-allowguest', 'iax-guest', 'voicemail-pin-weak', 'security-log-off']) assert.ok(ids.has(id), id);
  assert.ok(!ids.has('config-parse-error'), JSON.stringify(result.findings.filter((f) => f.id === 'config-parse-error')));
});

void test("the testsuite's ACL setups give the addresses its tests expect, and the one open to the Internet is reported", () => {
  for (const [tech, prefix, file] of [
    ['pjsip', 'testsip', 'pjsip.conf'],
    ['iax2', 'testiax', 'iax.conf'],
  ] as const) {
    const dir = join(testsuite, tech, 'acl_call/configs/ast1');
    const pbx = loadPbx(diskSource(), dir);
    const named = namedAcls(pbx);
    const section = (n: number) => pbx.files[file]!.sections.find((s) => s.name === `${prefix}${n}`)!;
    // from the comments of the testsuite's config: 1 and 2 allow only 127.0.0.1, 3 only 127.0.0.2, 4 (an undefined ACL) nothing
    const passes = (n: number) => ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4'].filter((a) => judgeAcl(section(n), named, '', [a]).open);
    assert.deepEqual([1, 2, 3, 4].map(passes), [['127.0.0.1'], ['127.0.0.1'], ['127.0.0.2'], []], tech);
    // testacl2-4 each deny one loopback address and permit everything else: Internet addresses pass all three
    const open = runAudit({ source: diskSource(), asteriskDir: dir }).findings.filter((f) => ['pjsip-endpoint-no-acl', 'pjsip-endpoint-no-auth', 'iax-user-no-acl', 'iax-guest'].includes(f.id));
    assert.deepEqual(open.map((f) => f.evidence.split(']')[0]), [`[${prefix}3`], tech);
  }
});
