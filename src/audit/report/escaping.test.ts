/** @module Property tests: the HTML and terminal escapers leave no markup and no control characters, whatever the input. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { escapeHtml } from './html.js';
import { terminalSafe } from './safe-text.js';

const hostile = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.constantFrom('<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', '\u001b[2J\u001b]0;title\u0007', '\u202eevil', "a'b`c&d"));

void test('escaped HTML holds no raw markup characters or control characters', () => {
  fc.assert(
    fc.property(hostile, (s) => {
      const out = escapeHtml(s).replace(/&#\d+;/g, '');
      assert.ok(!/[<>"'`&\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/.test(out), JSON.stringify(out));
    }),
    { numRuns: 2000 },
  );
});

void test('terminal-safe text holds no control characters or bidirectional overrides', () => {
  fc.assert(
    fc.property(hostile, (s) => {
      assert.ok(!/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/u.test(terminalSafe(s)));
    }),
    { numRuns: 2000 },
  );
});
