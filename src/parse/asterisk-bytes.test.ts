import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AsteriskBytes, NOT_SHAPED, RULELESS, SHAPED } from './asterisk-bytes.js';
import { asteriskEnvelope, asteriskFileOf } from './envelope.js';
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
  const file = pick(['pbx.c', 'chan_sip.c', 'app_dial.c', 'res_pjsip/pjsip_distributor.c', 'Ext.', 'Ext. x', 'pbx', 'pbx.c ', 'pb:x.c', '']);
  const rest = pick([
    `: Registration from '"1"<sip:1@x>' failed for '192.0.2.7:5060' - Wrong password`,
    `: Request 'REGISTER' from '<sip:9@x>' failed for '198.51.100.4:5060' (callid: a) - No matching endpoint found`,
    ': Executing [s@x:1] Set("a")',
    ':42 in f: msg',
    ': ',
    ':',
    '',
    ':msg',
    '::',
    ' : x',
  ]);
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

const REFERENCE = Date.UTC(2026, 10, 25);

test('a line read from its bytes gives what the string parser gives, and its envelope where the string scan finds it', () => {
  // two parsers fed the same lines, one from bytes and one from text: they learn the same files
  const fromBytes = new LineParser(pack, REFERENCE, 'x');
  const fromText = new LineParser(pack, REFERENCE, 'x');
  const reader = new AsteriskBytes();
  const rand = prng(11);
  const seen = [0, 0, 0];
  for (let k = 0; k < 200_000; k++) {
    let line = envelope(rand);
    if (k % 2 === 1) line = mutate(line, rand);
    // the line sits inside a larger buffer, with bytes that must not be read around it
    const b = Buffer.from(`\n${line}\n[2026-11-25 10:00:01] NOTICE[1] pbx.c: `, 'latin1');
    const end = 1 + line.length;
    const a = fromBytes.eventIn(b, 1, end, k + 1);
    const t = fromText.event(line, k + 1);
    assert.deepEqual(a, t, JSON.stringify(line));
    assert.equal(fromBytes.missedEarlier, fromText.missedEarlier);
    if (k === 100) {
      reader.learn('pbx.c', true);
      reader.learn('chan_sip.c', false);
    }
    const shape = reader.read(b, 1, end);
    seen[shape]!++;
    if (shape === NOT_SHAPED) continue;
    const file = asteriskFileOf(line);
    assert.ok(file !== undefined, `read as Asterisk's, but not by the string scan: ${JSON.stringify(line)}`);
    if (shape === RULELESS) {
      assert.equal(file, 'pbx.c', JSON.stringify(line));
      continue;
    }
    const env = asteriskEnvelope(line, file);
    assert.equal(line.slice(reader.fileStart, reader.fileEnd), file, JSON.stringify(line));
    // a known file is named without cutting it from the line, and only a known one
    assert.equal(reader.file, k > 100 && file === 'chan_sip.c' ? 'chan_sip.c' : undefined, JSON.stringify(line));
    assert.equal(line.slice(reader.msgStart), env.msg, JSON.stringify(line));
    assert.equal(line.slice(1, reader.tsEnd), env.ts, JSON.stringify(line));
  }
  // the test means something only when each answer comes up often
  assert.ok(
    seen.every((n) => n > 20_000),
    `not shaped ${seen[NOT_SHAPED]}, rule-less ${seen[RULELESS]}, shaped ${seen[SHAPED]}`,
  );
});

test('a file is dropped from its bytes only once the parser has dropped a line of it, and never a file rules read', () => {
  const reader = new AsteriskBytes();
  const line = (f: string) => Buffer.from(`[2026-11-25 10:00:00] NOTICE[1] ${f}: Registration from '"1"<sip:1@x>' failed for '192.0.2.7:5060' - Wrong password`, 'latin1');
  const pbx = line('pbx.c');
  assert.equal(reader.read(pbx, 0, pbx.length), SHAPED, 'nothing learned yet');
  // the parser decodes a line of pbx.c once, learns no rule reads it, and from then on drops its
  // lines from their bytes; it decodes every chan_sip.c line (rules read it)
  const parser = new LineParser(pack, REFERENCE);
  const decodes = (b: Buffer): (() => number) => {
    let n = 0;
    const toString = b.toString.bind(b);
    b.toString = ((...args: Parameters<Buffer['toString']>) => (n++, toString(...args)));
    return () => n;
  };
  const pbxDecodes = decodes(pbx);
  for (let i = 0; i < 3; i++) assert.equal(parser.eventIn(pbx, 0, pbx.length, i + 1), undefined);
  assert.equal(pbxDecodes(), 1);
  const sip = line('chan_sip.c');
  const sipDecodes = decodes(sip);
  for (let i = 0; i < 3; i++) assert.ok(parser.eventIn(sip, 0, sip.length, i + 4) !== undefined);
  assert.equal(sipDecodes(), 3);
  reader.learn('pbx.c', true);
  assert.equal(reader.read(pbx, 0, pbx.length), RULELESS);
  assert.equal(reader.read(sip, 0, sip.length), SHAPED);
  assert.equal(reader.file, undefined, 'a file rules read is not known before it is learned');
  reader.learn('chan_sip.c', false);
  assert.equal(reader.read(sip, 0, sip.length), SHAPED);
  assert.equal(reader.file, 'chan_sip.c');
});

test('files whose names hash alike are told apart, and the table stops growing when full', () => {
  const reader = new AsteriskBytes();
  const line = (f: string) => Buffer.from(`[2026-11-25 10:00:00] NOTICE[1] ${f}: x`, 'latin1');
  // "Aa" and "BB" hash alike (h * 31 + c), and so do names built of them
  reader.learn('AaAa.c', true);
  reader.learn('BBBB.c', false);
  reader.learn('AaBB.c', true);
  for (const [name, shape, file] of [
    ['AaAa.c', RULELESS, undefined],
    ['BBBB.c', SHAPED, 'BBBB.c'],
    ['AaBB.c', RULELESS, undefined],
    ['BBAa.c', SHAPED, undefined],
  ] as const) {
    const b = line(name);
    assert.equal(reader.read(b, 0, b.length), shape, name);
    if (shape === SHAPED) assert.equal(reader.file, file, name);
  }
  for (let i = 0; i < 100; i++) reader.learn(`f${i}.c`, true);
  const last = line('f99.c');
  assert.equal(reader.read(last, 0, last.length), SHAPED, 'a name past the bound is not learned');
  const first = line('f0.c');
  assert.equal(reader.read(first, 0, first.length), RULELESS);
});
