import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readingOrder } from './file-order.js';

test("each log's rotated files are read oldest first, at the place of its first file; other logs keep their order", () => {
  // what `auth.log* messages*` expands to, with stdin between
  const given = ['auth.log', 'auth.log.1', 'auth.log.10.gz', 'auth.log.2.gz', '-', 'ast/messages', 'ast/messages-20261124.gz', 'ast/messages-2026112500', 'ast/security'];
  assert.deepEqual(readingOrder(given), ['auth.log.10.gz', 'auth.log.2.gz', 'auth.log.1', 'auth.log', '-', 'ast/messages-20261124.gz', 'ast/messages-2026112500', 'ast/messages', 'ast/security']);
  // the same name in two folders is two logs; a log given in order stays as given
  assert.deepEqual(readingOrder(['a/messages', 'b/messages.1', 'b/messages']), ['a/messages', 'b/messages.1', 'b/messages']);
});
