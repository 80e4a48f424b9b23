/** @module The dialplan walk: which entry contexts reach outbound Dial() and DISA(), and by which path. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadConf } from '../conf/load.js';
import { memorySource } from '../conf/source.js';
import { buildDialplan } from './model.js';
import type { Dialplan } from './model.js';
import { walkFrom } from './walk.js';
import { callerChosen, parseChannel } from './channel.js';
import { classifyNumber } from './classify.js';

function plan(text: string): Dialplan {
  return buildDialplan(loadConf(memorySource({ '/etc/asterisk/extensions.conf': text }), '/etc/asterisk', 'extensions.conf'));
}
const trunks = new Set(['PJSIP:provider']);
// one hit per probe that gets there; the tests care about which Dial() lines are reached
const outbound = (p: Dialplan, ctx: string): string[] => [...new Set(walkFrom(p, ctx, { trunks }).filter((h) => h.kind === 'outbound').map((h) => `${h.at.line}`))].sort();

const OUT = `[outbound]
exten => _X.,1,Dial(PJSIP/\${EXTEN}@provider)
`;

void test('a Goto to a fixed internal extension does not open the outbound routes of the target context', () => {
  const p = plan(`${OUT}[internal]\ninclude = outbound\nexten => 100,1,Dial(PJSIP/100)\n[from-trunk]\nexten => 5551000,1,Goto(internal,100,1)\n`);
  assert.deepEqual(outbound(p, 'from-trunk'), []);
  assert.deepEqual(outbound(p, 'internal'), ['2'], 'the internal context itself does dial out');
});

void test('a Goto that passes the dialled number on reaches outbound dialling', () => {
  const p = plan(`${OUT}[internal]\ninclude = outbound\n[from-trunk]\nexten => _X.,1,Goto(internal,\${EXTEN},1)\n`);
  assert.deepEqual(outbound(p, 'from-trunk'), ['2']);
});

void test('both branches of GotoIf, Gosub with arguments, Macro and Local channels are followed', () => {
  const base = `${OUT}[sub]\nexten => s,1,Dial(PJSIP/\${ARG1}@provider)\n[macro-out]\nexten => s,1,Dial(PJSIP/\${ARG1}@provider)\n`;
  assert.deepEqual(outbound(plan(`${base}[e]\nexten => _X.,1,GotoIf($[\${X}=1]?nope,1:outbound,\${EXTEN},1)\n`), 'e'), ['2']);
  assert.deepEqual(outbound(plan(`${base}[e]\nexten => _X.,1,Gosub(sub,s,1(\${EXTEN}))\n`), 'e'), ['4']);
  assert.deepEqual(outbound(plan(`${base}[e]\nexten => _X.,1,Macro(out,\${EXTEN})\n`), 'e'), ['6']);
  assert.deepEqual(outbound(plan(`${base}[e]\nexten => _X.,1,Dial(Local/\${EXTEN}@outbound/n)\n`), 'e'), ['2']);
});

void test('ExecIf runs the application it names, and Read() gives the caller the number to dial (callthrough)', () => {
  assert.deepEqual(outbound(plan(`[e]\nexten => _X.,1,ExecIf($[\${X}]?Dial(PJSIP/\${EXTEN}@provider):Hangup())\n`), 'e'), ['2']);
  assert.deepEqual(outbound(plan(`${OUT}[e]\nexten => _X.,1,ExecIf($[1]?Goto(outbound,\${EXTEN},1))\n`), 'e'), ['2']);
  const callthrough = plan(`[from-trunk]\nexten => s,1,Answer()\n same => n,Read(NUM,enter-number,20)\n same => n,Dial(PJSIP/\${NUM}@provider)\n`);
  assert.deepEqual(outbound(callthrough, 'from-trunk'), ['4']);
});

void test('Dial option T lets the caller transfer into TRANSFER_CONTEXT and dial out from there', () => {
  const base = `${OUT}[internal]\ninclude = outbound\nexten => 100,1,Dial(PJSIP/100)\n`;
  const open = plan(`${base}[from-trunk]\nexten => s,1,Set(__TRANSFER_CONTEXT=internal)\n same => n,Dial(PJSIP/100,20,tT)\n`);
  assert.deepEqual(outbound(open, 'from-trunk'), ['2']);
  const calledOnly = plan(`${base}[from-trunk]\nexten => s,1,Set(__TRANSFER_CONTEXT=internal)\n same => n,Dial(PJSIP/100,20,t)\n`);
  assert.deepEqual(outbound(calledOnly, 'from-trunk'), [], 'option t lets only the called phone transfer');
});

void test('an IVR re-opens dialling in its own context, so an include there is reachable from a trunk', () => {
  const p = plan(`${OUT}[ivr]\ninclude = outbound\nexten => s,1,Background(menu)\nexten => 1,1,Hangup()\n[from-trunk]\nexten => s,1,Goto(ivr,s,1)\n`);
  assert.deepEqual(outbound(p, 'from-trunk'), ['2']);
});

void test('Authenticate() on the path marks the hit as authenticated, and FILTER does not hide the number', () => {
  const p = plan(`[e]\nexten => _00.,1,Authenticate(1234)\n same => n,Dial(PJSIP/\${FILTER(0-9,\${EXTEN})}@provider)\n`);
  const hits = walkFrom(p, 'e', { trunks });
  assert.ok(hits.length > 0 && hits.every((h) => h.authenticated));
});

void test('blocked prefixes that Hangup take the international numbers before the catch-all pattern', () => {
  const p = plan(`[e]\nexten => _011.,1,Hangup()\nexten => _00.,1,Hangup()\nexten => _+.,1,Hangup()\nexten => _9.,1,Hangup()\nexten => _X.,1,Dial(PJSIP/\${EXTEN}@provider)\n`);
  const numbers = walkFrom(p, 'e', { trunks }).flatMap((h) => (h.kind === 'outbound' ? [classifyNumber(h.number)] : []));
  assert.ok(numbers.length > 0);
  assert.ok(!numbers.includes('international'), JSON.stringify(numbers));
});

void test('DISA is reported and its context becomes a new place to dial from', () => {
  const p = plan(`${OUT}[from-trunk]\nexten => 5551999,1,DISA(no-password,outbound)\n`);
  const hits = walkFrom(p, 'from-trunk', { trunks });
  assert.deepEqual([...new Set(hits.map((h) => h.kind))].sort(), ['disa', 'outbound']);
});

void test('channels split into technology, peer and number in the forms Dial() accepts', () => {
  assert.deepEqual(parseChannel('PJSIP/0044123@provider'), { tech: 'PJSIP', peer: 'provider', number: '0044123' });
  assert.deepEqual(parseChannel('PJSIP/provider/sip:0044123@sip.example'), { tech: 'PJSIP', peer: 'provider', number: '0044123' });
  assert.deepEqual(parseChannel('SIP/provider/0044123'), { tech: 'SIP', peer: 'provider', number: '0044123' });
  assert.deepEqual(parseChannel('IAX2/user:pw@provider:4569/0044123@ctx'), { tech: 'IAX2', peer: 'provider', number: '0044123' });
  assert.deepEqual(parseChannel('DAHDI/g1/0044123'), { tech: 'DAHDI', peer: 'g1', number: '0044123' });
});

void test('a number counts as caller-chosen when it carries the dialled digits, with a prefix added or stripped', () => {
  assert.equal(callerChosen('1256' + '5550123', '5550123'), true);
  assert.equal(callerChosen('442079460123', '9011442079460123'), true);
  assert.equal(callerChosen('5551000', '011442079460123'), false);
});

void test('numbers are classed as international or premium with or without an outside-line 9', () => {
  assert.deepEqual(['011442', '00442', '+442', '900442', '19005550123', '0900123', '2125550123'].map(classifyNumber), [
    'international', 'international', 'international', 'international', 'premium', 'premium', 'other',
  ]);
});

void test('the walk reports when its step bound cut it short', () => {
  const p = plan(`${OUT}[e]\ninclude = outbound\n`);
  const short = { steps: 0, truncated: false };
  walkFrom(p, 'e', { trunks, maxSteps: 3, stats: short });
  assert.deepEqual(short, { steps: 3, truncated: true });
  const full = { steps: 0, truncated: false };
  walkFrom(p, 'e', { trunks, stats: full });
  assert.equal(full.truncated, false);
  assert.ok(full.steps > 3);
});

void test('any dialplan text terminates the walk without throwing', () => {
  const piece = fc.constantFrom('exten => _X.,1,', 'exten => s,1,', ' same => n,', 'include = a\n', '[a]\n', '[b]\n', 'Goto(a,${EXTEN},1)\n', 'Goto(b,s,1)\n', 'GotoIf($[1]?a,s,1:b,${EXTEN:1},1)\n', 'Gosub(b,s,1(${EXTEN}))\n', 'Macro(x,${EXTEN})\n', '[macro-x]\n', 'Dial(PJSIP/${ARG1}@provider&Local/${EXTEN}@a)\n', 'DISA(no-password,b)\n', 'Background(x)\n', 'Set(A=${EXTEN}${A})\n', 'Dial(${A}/x)\n', 'Return()\n');
  fc.assert(
    fc.property(fc.array(fc.oneof(piece, fc.string({ maxLength: 10 })), { maxLength: 40 }), (parts) => {
      const p = plan(`[a]\n${parts.join('')}`);
      for (const ctx of ['a', 'b']) walkFrom(p, ctx, { trunks, maxSteps: 5000 });
    }),
    { numRuns: 500 },
  );
});
