/** @module The text report: findings grouped by severity, worst first, each with its place, evidence and fix. */
import { painter, type Style } from '../../act/report/paint.js';
import type { AuditSummary, Finding, Severity } from '../finding.js';
import { SEVERITIES } from '../finding.js';
import { terminalSafe } from './safe-text.js';

const STYLE: Record<Severity, Style> = { critical: ['bold', 'red'], high: 'red', medium: 'yellow', low: 'cyan' };

export function renderText(findings: Finding[], summary: AuditSummary, opts: { color: boolean }): string {
  const paint = painter(opts.color);
  const lines: string[] = [];
  for (const sev of SEVERITIES) {
    const group = findings.filter((f) => f.severity === sev);
    if (group.length === 0) continue;
    lines.push(paint(STYLE[sev], `${sev.toUpperCase()} (${group.length})`), '');
    let prev: Finding | undefined;
    for (const f of group) {
      const where = f.file === '' ? '(host)' : f.line > 0 ? `${f.file}:${f.line}` : f.file;
      // fifteen mailboxes with the same weak PIN read better with the explanation once
      const same = (k: 'why' | 'fix'): boolean => prev !== undefined && prev.id === f.id && prev[k] === f[k];
      lines.push(`  ${paint('bold', terminalSafe(where))}  ${terminalSafe(f.title)}  [${f.id}]`);
      lines.push(`    found: ${terminalSafe(f.evidence)}`);
      for (const step of f.path ?? []) lines.push(`      → ${terminalSafe(step, 200)}`);
      lines.push(`    why:   ${same('why') ? 'as above' : terminalSafe(f.why, 1000)}`);
      lines.push(`    fix:   ${same('fix') ? 'as above' : terminalSafe(f.fix, 1000)}`, '');
      prev = f;
    }
  }
  const counts = SEVERITIES.map((s) => `${summary.bySeverity[s]} ${s}`).join(', ');
  lines.push(summary.total === 0 ? `No findings in ${summary.filesRead.length} files.` : `${summary.total} findings (${counts}) in ${summary.filesRead.length} files read.`);
  return lines.join('\n') + '\n';
}
