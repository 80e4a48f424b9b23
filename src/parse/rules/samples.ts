/** @module Runs every rule's own samples through the whole line parser: the rule pack tests itself. */
import type { RulePack } from '../matcher.js';
import { LineParser, type ParsedLine } from '../line-parser.js';
import type { CompiledRule } from './compile.js';
import type { Sample } from './schema.js';

export interface SampleFailure {
  rule: string;
  file: string;
  line: string;
  context: readonly string[] | undefined;
  expected: Sample['expect'];
  got: string;
}

/** A sample line parsed as the sample test parses it: after its context lines, on a fixed date. */
export function parseSample(pack: RulePack, line: string, context: readonly string[] = []): ParsedLine {
  const parser = new LineParser(pack, Date.UTC(2026, 10, 25));
  for (const earlier of context) parser.parse(earlier);
  return parser.parse(line);
}

/** What the pack makes of a sample line, in the words a sample's `expect` uses. */
export function describeOutcome(pack: RulePack, line: string, context: readonly string[] = []): { ruleId?: string; summary: Sample['expect'] } {
  const { result } = parseSample(pack, line, context);
  if (result.status === 'ambiguous') return { ruleId: result.rule.id, summary: 'ambiguous' };
  if (result.status !== 'event') return { summary: 'none' };
  const e = result.event;
  const got: Exclude<Sample['expect'], string> = { ip: e.ip!, kind: e.kind, service: e.service };
  if (e.port !== undefined) got.port = e.port;
  if (e.account !== undefined) got.account = e.account;
  if (e.extension !== undefined) got.extension = e.extension;
  if (e.scanner !== undefined) got.scanner = e.scanner;
  if (e.forgeable === true) got.forgeable = true;
  return { ruleId: e.ruleId, summary: got };
}

function sampleFails(rule: CompiledRule, s: Sample, ruleId: string | undefined, got: Sample['expect']): boolean {
  const exp = s.expect;
  if (exp === 'none') return ruleId === rule.id;
  if (exp === 'ambiguous') return got !== 'ambiguous' || ruleId !== rule.id;
  if (typeof got !== 'object' || ruleId !== rule.id) return true;
  return (
    got.ip !== exp.ip ||
    (exp.port !== undefined && got.port !== exp.port) ||
    (exp.account !== undefined && got.account !== exp.account) ||
    got.kind !== (exp.kind ?? rule.kind) ||
    (exp.service !== undefined && got.service !== exp.service) ||
    // like the scanner, and unlike the account, the extension is always stated: few rules read one
    got.extension !== exp.extension ||
    got.scanner !== exp.scanner ||
    got.forgeable !== exp.forgeable
  );
}

/** Every sample of every rule; returns the ones whose outcome differs from what they expect. */
export function checkSamples(pack: RulePack): SampleFailure[] {
  const failures: SampleFailure[] = [];
  for (const rule of pack.rules) {
    for (const s of rule.samples) {
      const { ruleId, summary } = describeOutcome(pack, s.line, s.context);
      if (sampleFails(rule, s, ruleId, summary)) {
        failures.push({ rule: rule.id, file: rule.file, line: s.line, context: s.context, expected: s.expect, got: `${ruleId ?? '-'} ${JSON.stringify(summary)}` });
      }
    }
  }
  return failures;
}
