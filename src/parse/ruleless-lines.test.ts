import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asteriskFileOf } from './envelope.js';
import { LineParser } from './line-parser.js';
import { loadRulePack } from './rules/load.js';

const pack = await loadRulePack();

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** Envelopes near Asterisk's format, valid and not: every part in its variants (the first ones valid, and more often picked). */
function envelope(rand: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[rand() < 0.75 ? Math.floor(rand() * 2) : Math.floor(rand() * xs.length)]!;
  const ts = pick(['2026-11-25 10:00:01', 'Nov 25 10:00:01', '2026-11-25 10:00:01.123', 'x] y', '', 'a'.repeat(47), 'a'.repeat(46)]);
  const level = pick(['VERBOSE', 'NOTICE', 'WARNING', 'DEBUG', 'SECURITY', 'VE', 'ABCDEFGHIJK', 'ABCDEFGHIJ', 'notice', 'NOTICE ']);
  const lwp = pick(['[1234]', '[1]', '[12345678901]', '[1234567890]', '[]', '[12a]', '1234]', '[1234']);
  const call = pick(['', '[C-0000046b]', '[C-00000000000000001]', '[C-0000000000000001]', '[C-]', '[C-0000046B]', '[C-000', '[D-0000046b]', ':']);
  const file = pick(['pbx.c', 'app_dial.c', 'chan_sip.c', 'res_pjsip/pjsip_distributor.c', 'Ext.', 'pbx', 'pbx.c ', 'pb:x.c', '']);
  const rest = pick([': Executing [s@x:1] Set("a")', ': chan_sip.c: x', ':42 in f: msg', ': ', ':', '', ':msg', '::', ' : x']);
  return `[${ts}] ${level}${lwp}${call} ${file}${rest}`;
}

function mutate(line: string, rand: () => number): string {
  const chars = [...line];
  const n = 1 + Math.floor(rand() * 3);
  for (let k = 0; k < n && chars.length > 0; k++) {
    const at = Math.floor(rand() * chars.length);
    const op = rand();
    if (op < 0.4) chars[at] = String.fromCharCode(32 + Math.floor(rand() * 95));
    else if (op < 0.7) chars.splice(at, 1);
    else chars.splice(at, 0, ['[', ']', ' ', ':', 'C', '-', '0'][Math.floor(rand() * 7)]!);
  }
  return chars.join('');
}

test('a line told from its bytes to need no parsing is one the parser drops unread', () => {
  const parser = new LineParser(pack, Date.UTC(2026, 10, 25));
  // the parser learns which files no rule reads from the lines it drops
  for (const f of ['pbx.c', 'app_dial.c']) assert.equal(parser.event(`[2026-11-25 10:00:00] VERBOSE[1][C-0000046b] ${f}: x`), undefined);
  const rand = prng(11);
  let dropped = 0;
  let kept = 0;
  for (let k = 0; k < 200_000; k++) {
    let line = envelope(rand);
    if (k % 2 === 1) line = mutate(line, rand);
    const bytes = Buffer.from(line, 'latin1');
    if (!parser.skip(bytes, 0, bytes.length)) {
      kept++;
      continue;
    }
    dropped++;
    const file = asteriskFileOf(line);
    assert.ok(file !== undefined && pack.rulesFor('asterisk', file).all.length === 0, `dropped, but the parser reads ${file ?? 'no Asterisk file'}: ${JSON.stringify(line)}`);
    assert.equal(parser.event(line), undefined, JSON.stringify(line));
  }
  // the test means something only when both answers come up often
  assert.ok(dropped > 20_000 && kept > 20_000, `dropped ${dropped}, kept ${kept}`);
});

test('lines of files that rules read, and files not yet dropped, are never skipped', () => {
  const parser = new LineParser(pack, Date.UTC(2026, 10, 25));
  const line = (f: string) => Buffer.from(`[2026-11-25 10:00:00] NOTICE[1] ${f}: Registration from '"1"<sip:1@x>' failed for '192.0.2.7:5060' - Wrong password`, 'latin1');
  const b = line('pbx.c');
  assert.equal(parser.skip(b, 0, b.length), false, 'nothing learned yet');
  parser.event(b.toString('latin1'));
  assert.equal(parser.skip(b, 0, b.length), true);
  const sip = line('chan_sip.c');
  assert.ok(parser.event(sip.toString('latin1')) !== undefined);
  assert.equal(parser.skip(sip, 0, sip.length), false);
});
