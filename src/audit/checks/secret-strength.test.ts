/** @module Secret and PIN judgement, and masking. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgePin, judgeSecret, maskSecret } from './secret-strength.js';

const ctx = { identities: ['1001', 'alice'], remote: true };

void test('empty, identical-to-user, common and documented secrets are guessable', () => {
  assert.equal(judgeSecret('', ctx)?.id, 'secret-empty');
  assert.equal(judgeSecret('1001', ctx)?.id, 'secret-guessable');
  assert.equal(judgeSecret('ALICE', ctx)?.id, 'secret-guessable');
  assert.equal(judgeSecret('Password123', ctx)?.id, 'secret-guessable');
  assert.equal(judgeSecret('aE3%B8*$jk^G', ctx)?.severity, 'high');
  assert.equal(judgeSecret('x1001y!Zq9#kLm', ctx)?.id, 'secret-guessable', 'contains the extension');
});

void test('digits-only, short and low-variety secrets are weak; accounts usable from anywhere need 12 characters', () => {
  assert.equal(judgeSecret('83920174650', ctx)?.id, 'secret-weak');
  assert.equal(judgeSecret('Xy7#q', ctx)?.id, 'secret-weak');
  assert.equal(judgeSecret('Xy7#qWe9', ctx)?.severity, 'medium');
  assert.equal(judgeSecret('Xy7#qWe9', { ...ctx, remote: false }), undefined);
  assert.equal(judgeSecret('correcthorsebattery', ctx), undefined, 'long passphrases pass');
  assert.equal(judgeSecret('abcdefghijkl', ctx)?.id, 'secret-weak');
  assert.equal(judgeSecret('q7#Vt9!rKx2$Lm4pZw', ctx), undefined);
});

void test('PINs are judged by guessability', () => {
  assert.equal(judgePin('', '100')?.severity, 'critical');
  assert.equal(judgePin('100', '100')?.severity, 'high');
  assert.equal(judgePin('777777', '100')?.severity, 'high');
  assert.equal(judgePin('345678', '100')?.severity, 'high');
  assert.equal(judgePin('4821', '100')?.severity, 'medium');
  assert.equal(judgePin('730519', '100'), undefined);
});

void test('a masked secret shows its length and character kinds, never its characters', () => {
  assert.equal(maskSecret('ab1!'), '**** (4 chars: lower+digits+symbols)');
  assert.equal(maskSecret(''), '(empty)');
  assert.ok(!maskSecret('hunter2hunter2').includes('hunter'));
});
