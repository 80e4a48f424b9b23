import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SecurityEvent } from '../core/events.js';
import { RepeatedEvents } from './input-notes.js';

const T0 = Date.parse('2026-11-25T00:00:00Z');

/** sshd failures, one every `step` ms from `from`, each from its own connection (port). */
function failures(n: number, from: number, step: number, portBase: number): SecurityEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    at: from + i * step,
    source: 'log',
    service: 'ssh',
    kind: 'auth_failure',
    ip: `198.51.100.${i % 200}`,
    port: portBase + (i % 20000),
    account: 'root',
    ruleId: 'sshd/failed-password',
  }));
}

function warningsFor(files: SecurityEvent[][]): string[][] {
  const repeated = new RepeatedEvents();
  return files.map((events, i) => {
    for (const ev of events) repeated.event(ev);
    // in time order: the first and the last are the span
    return repeated.fileDone(`f${i}`, events[0]!.at, events.at(-1)!.at);
  });
}

test('a long log and an export of its last hours are told apart from two logs of the same hours', () => {
  // a week of auth.log (far more events than a file's sample holds) and its last 3,000 events
  // exported again: the sample rates differ, the events sampled at the lower one are shared
  const week = failures(300_000, T0, 2_000, 30_000);
  const lastHours = week.slice(-3_000);
  const [, warnings] = warningsFor([week, lastHours]);
  assert.equal(warnings!.length, 1);
  assert.match(warnings![0]!, /^f0 and f1 hold the same events/);
  // the same hours seen by another host: other connections
  const otherHost = failures(3_000, week.at(-3_000)!.at, 2_000, 50_000);
  assert.deepEqual(warningsFor([week, otherHost]), [[], []]);
  // a file of the same events but in other hours is not compared at all
  const later = lastHours.map((ev) => ({ ...ev, at: ev.at + 86_400_000 * 30 }));
  assert.deepEqual(warningsFor([week, later]), [[], []]);
});
