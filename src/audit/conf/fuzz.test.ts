/** @module Property tests: no text, include tree or glob makes the config loader throw or loop. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseConfText } from './syntax.js';
import { loadConf } from './load.js';
import { memorySource } from './source.js';

// fragments that exercise every branch of the grammar, mixed with arbitrary text
const fragment = fc.oneof(
  fc.constantFrom('[', ']', '(', ')', '!', '+', ',', '=', '=>', '+=', ';', '\\;', ';--', '--;', '#include ', '#tryinclude ', '#exec ', '"', '<', '>', '*', '?', '\n', '\r\n', '\r', ' ', '\t', 'a.conf', 'b*.conf', '/etc/asterisk/a.conf', '[s](!)', '[t](s)', '[s](+)', '[S](+type=a&b=c)', 'type=a'),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
);
const confText = fc.array(fragment, { maxLength: 60 }).map((parts) => parts.join(''));

void test('parsing any text returns statements with line numbers inside the text', () => {
  fc.assert(
    fc.property(confText, (text) => {
      const lines = text.split(/\r\n|\n|\r/).length;
      for (const st of parseConfText(text)) assert.ok(st.line >= 1 && st.line <= lines);
    }),
    { numRuns: 2000 },
  );
});

void test('loading any tree of files that include each other terminates without throwing', () => {
  fc.assert(
    fc.property(confText, confText, confText, (a, b, c) => {
      const src = memorySource({ '/etc/asterisk/a.conf': a + '\n#include b*.conf\n', '/etc/asterisk/b1.conf': b + '\n#include a.conf', '/etc/asterisk/b2.conf': c });
      const conf = loadConf(src, '/etc/asterisk', 'a.conf');
      assert.ok(conf);
      for (const d of conf.diagnostics) assert.ok(d.at.line >= 0);
    }),
    { numRuns: 1000 },
  );
});
