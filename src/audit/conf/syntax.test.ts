/** @module Tests for the one-file statement parser. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfText, stripComments } from './syntax.js';

void test('a semicolon starts a comment but an escaped one is kept as a plain semicolon', () => {
  assert.deepEqual(stripComments('secret = a\\;b ; real comment', 0), { text: 'secret = a;b ', depth: 0 });
});

void test('a block comment spans lines and nests', () => {
  const st = parseConfText('[a]\nx=1 ;-- start\ny=2 ;-- inner --; still\nz=3 --; w=4\nv=5');
  const names = st.filter((s) => s.kind === 'entry').map((s) => (s.kind === 'entry' ? s.name : ''));
  // line 4 closes the outer comment, so 'w=4' after it is read
  assert.deepEqual(names, ['x', 'w', 'v']);
});

void test('text after the end of a block comment on the same line is kept', () => {
  const st = parseConfText('[a]\n;-- gone --; kept = yes');
  assert.deepEqual(st[1], { kind: 'entry', line: 2, name: 'kept', value: 'yes', object: false, appendValue: false });
});

void test('a section header carries template, append and inheritance in the order written', () => {
  const [s] = parseConfText('[1107](!,tpl-a, tpl-b)');
  assert.deepEqual(s, { kind: 'section', line: 1, name: '1107', template: true, append: false, inherits: ['tpl-a', 'tpl-b'] });
  const [a] = parseConfText('[general](+)');
  assert.equal(a?.kind === 'section' && a.append, true);
});

void test('=> marks an object entry and += marks a value append', () => {
  const st = parseConfText('[c]\nexten => 100,1,Dial(PJSIP/100)\nallow += ulaw');
  assert.deepEqual(st[1], { kind: 'entry', line: 2, name: 'exten', value: '100,1,Dial(PJSIP/100)', object: true, appendValue: false });
  assert.deepEqual(st[2], { kind: 'entry', line: 3, name: 'allow', value: 'ulaw', object: false, appendValue: true });
});

void test('include directives accept quotes, angle brackets and bare names', () => {
  const st = parseConfText('#include "a.conf"\n#tryinclude <b.conf>\n#include c.conf\n#exec /bin/gen --x="y"');
  assert.deepEqual(
    st.map((s) => (s.kind === 'directive' ? `${s.directive}:${s.argument}` : s.kind)),
    ['include:a.conf', 'tryinclude:b.conf', 'include:c.conf', 'exec:/bin/gen --x="y"'],
  );
});

void test('a header without its closing bracket is an error and a line without = is a warning', () => {
  const st = parseConfText('[broken\njust words');
  assert.deepEqual(
    st.map((s) => (s.kind === 'problem' ? `${s.line}:${s.severity}` : s.kind)),
    ['1:error', '2:warning'],
  );
});

void test('CRLF line endings give the same lines as LF', () => {
  assert.deepEqual(parseConfText('[a]\r\nx=1\r\ny=2'), parseConfText('[a]\nx=1\ny=2'));
});
