import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addNotes, LineParser, type ParseNotes } from './line-parser.js';
import { loadRulePack } from './rules/load.js';

const pack = await loadRulePack();
const notes = (over: Partial<ParseNotes>): ParseNotes => ({ tooLong: 0, undated: 0, foreign: 0, ...over });

test("notes add up, and keep the earliest line's sample whichever parser saw it first", () => {
  const total = notes({ foreign: 2, firstForeign: 'later', firstForeignLine: 900 });
  // a block parsed again on the main thread comes last, with an earlier line
  addNotes(total, notes({ foreign: 1, firstForeign: 'earlier', firstForeignLine: 40, undated: 3, firstUnreadTime: '25/11/2026 10:00:01' }));
  addNotes(total, notes({ foreign: 1, firstForeign: 'latest', firstForeignLine: 1000, tooLong: 2 }));
  assert.deepEqual(total, notes({ foreign: 4, firstForeign: 'earlier', firstForeignLine: 40, undated: 3, firstUnreadTime: '25/11/2026 10:00:01', tooLong: 2 }));
});

test('the sample of a line in no known format is its first non-blank one, decoded as UTF-8 when read as bytes', () => {
  const parser = new LineParser(pack, Date.UTC(2026, 10, 25), 'f', true);
  const bytes = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
  parser.event('   ', 1);
  parser.event(bytes('Überprüfung fehlgeschlagen'), 2);
  parser.event('other', 3);
  assert.deepEqual([parser.notes.foreign, parser.notes.firstForeign, parser.notes.firstForeignLine], [3, 'Überprüfung fehlgeschlagen', 2]);
});
