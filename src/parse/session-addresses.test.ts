import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_SESSIONS, SessionAddresses } from './line-parser.js';

test('a full session table drops the least recently changed process, one per new process', () => {
  const t = new SessionAddresses();
  for (let i = 0; i < MAX_SESSIONS; i++) t.remember(`sshd[${i}]`, '198.51.100.1', 0, 0, 'connect');
  // the oldest changes again: it moves to the back, so the next oldest goes first
  t.remember('sshd[0]', '198.51.100.2', 0, 1, 'connect');
  t.remember('sshd[new1]', '198.51.100.3', 0, 2, 'connect');
  assert.equal(t.size, MAX_SESSIONS);
  assert.ok(t.knows('sshd[0]'));
  assert.ok(!t.knows('sshd[1]'));
  // many more: each drops exactly the next oldest, whatever was deleted before it
  for (let i = 0; i < 1000; i++) t.remember(`sshd[more${i}]`, '198.51.100.4', 0, 3, 'connect');
  assert.equal(t.size, MAX_SESSIONS);
  assert.ok(!t.knows('sshd[1001]'));
  assert.ok(t.knows('sshd[1002]'));
  assert.equal(t.lookup('sshd[0]', 1), '198.51.100.2');
});
