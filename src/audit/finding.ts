/** @module The result of an audit: findings with a severity, a place to fix and the fix itself. */
import type { Provenance } from './conf/model.js';

/** Worst first; `--fail-on` and the text report use this order. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export interface Finding {
  /** a check id from the catalog */
  id: string;
  severity: Severity;
  title: string;
  /** relative to the audited directory when inside it; empty for host-wide findings */
  file: string;
  line: number;
  /** what was found, as written (secrets are masked) */
  evidence: string;
  /** why an attacker cares */
  why: string;
  /** the change that removes the weakness */
  fix: string;
  /** for dialplan findings: each step from the entry point to the dangerous application */
  path?: string[];
}

export function findingAt(at: Provenance | undefined, f: Omit<Finding, 'file' | 'line'>): Finding {
  return { ...f, file: at?.file ?? '', line: at?.line ?? 0 };
}

/** A check that fires when one option is switched on; the finding points at that option and quotes it. */
export type SwitchCheck = Omit<Finding, 'file' | 'line' | 'evidence'> & { key: string };

/** Findings for the checks whose option `switchedOn` finds on (each config format decides what "on" is and how it is quoted). */
export function switchFindings(checks: readonly SwitchCheck[], switchedOn: (key: string) => { at: Provenance; evidence: string } | undefined): Finding[] {
  return checks.flatMap(({ key, ...f }) => {
    const hit = switchedOn(key);
    return hit ? [findingAt(hit.at, { ...f, evidence: hit.evidence })] : [];
  });
}

/** Sorts worst first, then by file and line, and drops exact duplicates (a template line seen through many users). */
export function sortFindings(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  const unique = findings.filter((f) => {
    const key = `${f.id}\u0000${f.file}\u0000${f.line}\u0000${f.title}\u0000${f.evidence}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort(
    (a, b) => severityRank(a.severity) - severityRank(b.severity) || a.file.localeCompare(b.file) || a.line - b.line || a.id.localeCompare(b.id),
  );
}

export interface AuditSummary {
  total: number;
  bySeverity: Record<Severity, number>;
  /** files that were read, in display form */
  filesRead: string[];
}

export function summarize(findings: Finding[], filesRead: string[]): AuditSummary {
  const bySeverity = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const f of findings) bySeverity[f.severity]++;
  return { total: findings.length, bySeverity, filesRead };
}

/** True when some finding is at or above the threshold. */
export function failsAt(findings: Finding[], threshold: Severity): boolean {
  return findings.some((f) => severityRank(f.severity) <= severityRank(threshold));
}
