/** @module docs/audit.md documents every check the audit can report. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHECKS } from '../../src/audit/catalog.js';
import { ROOT } from './helpers.js';

void test('every check id appears in docs/audit.md with its severity', () => {
  const doc = readFileSync(join(ROOT, 'docs/audit.md'), 'utf8');
  for (const c of CHECKS) assert.match(doc, new RegExp(`\\| \`${c.id}\` \\| ${c.severity} \\|`), c.id);
});
