/** @module Tests for include, template and append handling with provenance. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConf } from './load.js';
import { ConfReadError, memorySource } from './source.js';
import { lastEntry, concreteSections } from './model.js';

const dir = '/etc/asterisk';

void test('an included file continues the current section and its values keep their own file and line', () => {
  const src = memorySource({
    [`${dir}/pjsip.conf`]: '[global]\ntype=global\n#include pjsip.endpoint.conf\nafter=1\n',
    [`${dir}/pjsip.endpoint.conf`]: 'user_agent=x\n[100]\ntype=endpoint\n',
  });
  const conf = loadConf(src, dir, 'pjsip.conf')!;
  assert.deepEqual(conf.files, ['pjsip.conf', 'pjsip.endpoint.conf']);
  assert.deepEqual(lastEntry(conf.sections[0]!, 'user_agent')?.at, { file: 'pjsip.endpoint.conf', line: 1 });
  // a section opened inside the include stays open after it, as in Asterisk
  assert.deepEqual(lastEntry(conf.sections[1]!, 'after')?.at, { file: 'pjsip.conf', line: 4 });
});

void test('templates apply left to right and inherited values point at the template line', () => {
  const src = memorySource({
    [`${dir}/sip.conf`]: '[a](!)\nsecret=one\nhost=dynamic\n[b](!)\nsecret=two\n[100](a,b)\ncontext=x\n',
  });
  const conf = loadConf(src, dir, 'sip.conf')!;
  const [s] = concreteSections(conf);
  assert.equal(s?.name, '100');
  const secret = lastEntry(s, 'secret')!;
  assert.equal(secret.value, 'two');
  assert.equal(secret.inheritedFrom, 'b');
  assert.deepEqual(secret.at, { file: 'sip.conf', line: 5 });
});

void test('(+) appends to an existing section and to a missing one is an error', () => {
  const src = memorySource({ [`${dir}/x.conf`]: '[a]\nk=1\n[b]\n[a](+)\nm=2\n[c](+)\n' });
  const conf = loadConf(src, dir, 'x.conf')!;
  assert.deepEqual(conf.sections[0]!.entries.map((e) => e.name), ['k', 'm']);
  assert.equal(conf.diagnostics.filter((d) => d.severity === 'error').length, 1);
});

void test('+= appends to the earlier value and moves its provenance to the appending line', () => {
  const conf = loadConf(memorySource({ [`${dir}/x.conf`]: '[a]\nallow=ulaw\nallow+=,alaw\n' }), dir, 'x.conf')!;
  assert.deepEqual(conf.sections[0]!.entries, [{ name: 'allow', value: 'ulaw,alaw', object: false, at: { file: 'x.conf', line: 3 } }]);
});

void test('globbed includes are read in sorted order relative to the config directory', () => {
  const src = memorySource({
    [`${dir}/extensions.conf`]: '#include custom/*.conf\n',
    [`${dir}/custom/b.conf`]: '[b]\n',
    [`${dir}/custom/a.conf`]: '[a]\n',
    [`${dir}/custom/c.txt`]: '[c]\n',
  });
  assert.deepEqual(loadConf(src, dir, 'extensions.conf')!.sections.map((s) => s.name), ['a', 'b']);
});

void test('bracket expressions in include globs are members, ranges and negations, and never regex syntax', () => {
  const src = memorySource({
    [`${dir}/top.conf`]: '#include [a-b].conf\n#include []x].conf\n#include [!]a-p].conf\n#include [z-a].conf\n#tryinclude ["-!]\n#include (.*)?conf\n',
    ...Object.fromEntries(Object.entries({ a: 'a', b: 'b', c: 'c', ']': 'bracket', x: 'x', '(.*)': 'regex', q: 'q' }).map(([file, section]) => [`${dir}/${file}.conf`, `[${section}]\n`])),
  });
  // found by the include-tree property: a reversed range like ["-!] made new RegExp throw
  const conf = loadConf(src, dir, 'top.conf')!;
  assert.deepEqual(conf.sections.map((s) => s.name), ['a', 'b', 'bracket', 'x', 'q', 'x', 'regex']);
  assert.deepEqual(conf.diagnostics.map((d) => d.message), ['#include [z-a].conf matched no file']);
});

void test('an include cycle is reported once and does not loop', () => {
  const src = memorySource({ [`${dir}/a.conf`]: '[x]\n#include b.conf\n', [`${dir}/b.conf`]: '#include a.conf\n' });
  const conf = loadConf(src, dir, 'a.conf')!;
  assert.equal(conf.diagnostics.length, 1);
  assert.match(conf.diagnostics[0]!.message, /cycle: a\.conf -> b\.conf -> a\.conf/);
  assert.deepEqual(conf.diagnostics[0]!.at, { file: 'b.conf', line: 1 });
});

void test('a missing #include is an error, a missing #tryinclude is silent, and #exec is recorded but not run', () => {
  const src = memorySource({ [`${dir}/a.conf`]: '[x]\n#include gone.conf\n#tryinclude gone2.conf\n#exec /usr/bin/touch /tmp/pwned\n' });
  const conf = loadConf(src, dir, 'a.conf')!;
  assert.deepEqual(conf.diagnostics.map((d) => `${d.at.line}:${d.severity}`), ['2:error', '4:warning']);
  assert.deepEqual(conf.execs, [{ command: '/usr/bin/touch /tmp/pwned', at: { file: 'a.conf', line: 4 } }]);
});

void test('a missing top-level file loads as undefined', () => {
  assert.equal(loadConf(memorySource({}), dir, 'sip.conf'), undefined);
});

void test('a repeated name is looked up as Asterisk does: the first section, case-insensitively, or the first matching a (+filter)', () => {
  const src = memorySource({ [`${dir}/pjsip.conf`]: '[T](!)\nallow=ulaw\n[100]\ntype=endpoint\n[100]\ntype=aor\n[100](+type=aor)\nmax_contacts=1\n[100](+)\ncontext=x\n[101](t)\n' });
  const conf = loadConf(src, dir, 'pjsip.conf')!;
  const [, endpoint, aor, ext101] = conf.sections;
  assert.deepEqual(endpoint!.entries.map((e) => e.name), ['type', 'context']);
  assert.deepEqual(aor!.entries.map((e) => e.name), ['type', 'max_contacts']);
  assert.deepEqual(ext101!.entries.map((e) => `${e.name}=${e.value}`), ['allow=ulaw']);
  assert.equal(conf.diagnostics.length, 0);
});

void test('an unreadable include is reported where it is included; an unreadable top-level file stops the load', () => {
  const files = memorySource({ [`${dir}/a.conf`]: '[x]\n#include secret.conf\nk=v\n' });
  const failing = (bad: string) => ({
    read: (p: string) => {
      if (p === bad) throw new ConfReadError(p, 'EACCES: permission denied');
      return files.read(p);
    },
    glob: (p: string) => files.glob(p),
  });
  const conf = loadConf(failing(`${dir}/secret.conf`), dir, 'a.conf')!;
  assert.deepEqual(conf.diagnostics.map((d) => `${d.at.file}:${d.at.line} ${d.severity}`), ['a.conf:2 error']);
  assert.equal(conf.sections[0]!.entries.length, 1, 'the rest of the file is still read');
  assert.throws(() => loadConf(failing(`${dir}/a.conf`), dir, 'a.conf'), ConfReadError);
});
