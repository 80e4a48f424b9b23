/** @module Variable substitution and argument splitting, in Asterisk's order (substitute, then split). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UNKNOWN, expand, splitArgs } from './expand.js';

const env = { exten: '9011442079460123', context: 'out', vars: new Map([['TRUNK', 'PJSIP/provider']]), globals: new Map([['G', 'g']]) };

void test('EXTEN with offsets, set variables and globals are substituted', () => {
  assert.equal(expand('${TRUNK}/${EXTEN:1}', env), 'PJSIP/provider/011442079460123');
  assert.equal(expand('${EXTEN:-4}', env), '0123');
  assert.equal(expand('${EXTEN:1:3}', env), '011');
  assert.equal(expand('${G}${GLOBAL(G)}', env), 'gg');
});

void test('FILTER keeps only the allowed characters, so injected separators disappear', () => {
  const hostile = { ...env, exten: '123&DAHDI/g1/0044,1' };
  assert.equal(expand('${FILTER(0-9,${EXTEN})}', hostile), '123100441');
});

void test('anything not known becomes the unknown marker', () => {
  assert.equal(expand('${DB(x/y)}-$[1+1]-${NOPE}', env), `${UNKNOWN}-${UNKNOWN}-${UNKNOWN}`);
});

void test('arguments split on commas outside brackets and quotes, after substitution', () => {
  assert.deepEqual(splitArgs('a,${X(1,2)},"b,c",$[d,e]'), ['a', '${X(1,2)}', '"b,c"', '$[d,e]']);
  const injected = expand('from-internal,${EXTEN},1', { ...env, exten: '1,outbound,9011' });
  assert.deepEqual(splitArgs(injected), ['from-internal', '1', 'outbound', '9011', '1']);
});
