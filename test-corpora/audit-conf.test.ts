/** @module Corpus test: the config loader reads every Asterisk sample config without an error diagnostic. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConf } from '../src/audit/conf/load.js';
import { diskSource } from '../src/audit/conf/source.js';

const corpora = resolve(fileURLToPath(import.meta.url), '../../../shared/corpora/asterisk');
const dirs = ['configs/samples', 'configs/basic-pbx', 'configs-branch20-removed/samples'].map((d) => join(corpora, d));

void test('the Asterisk config corpus is present', () => {
  for (const d of dirs) assert.ok(existsSync(d), `missing corpus folder ${d}: see /work/shared/corpora/README.md`);
});

/** Sample files that Asterisk's config engine does not read: other grammars or shell-style variables. */
const NOT_ASTERISK_SYNTAX = new Set(['extensions.ael.sample', 'extensions.lua.sample', 'ast_debug_tools.conf.sample', 'dbsep.conf.sample', 'ss7.timers.sample']);

let total = 0;
for (const dir of dirs.filter((d) => existsSync(d))) {
  for (const name of readdirSync(dir).sort()) {
    total++;
    void test(`${posix.basename(dir)}/${name} loads without an error`, () => {
      const conf = loadConf(diskSource(), dir, name);
      assert.ok(conf, `${name} could not be read`);
      const errors = conf.diagnostics.filter((d) => d.severity === 'error');
      assert.deepEqual(errors, []);
      // files in other syntaxes (AEL, Lua, shell variables) must be noticed, not silently taken as Asterisk config
      if (NOT_ASTERISK_SYNTAX.has(name)) assert.ok(conf.diagnostics.some((d) => d.severity === 'warning'), `${name} should warn`);
    });
  }
}

void test('every file of the corpus was tested', () => {
  // 106 samples + 13 basic-pbx files + 8 removed samples at the time of writing; a broken listing must not pass as green
  assert.ok(total >= 120, `only ${total} files found`);
});
