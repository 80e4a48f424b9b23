/** @module The JSON report: `{"findings":[{id,severity,title,file,line,evidence,fix,…}],"summary":{…}}`. */
import type { AuditSummary, Finding } from '../finding.js';

export function renderJson(findings: Finding[], summary: AuditSummary): string {
  const out = findings.map((f) => ({
    id: f.id,
    severity: f.severity,
    title: f.title,
    file: f.file,
    line: f.line,
    evidence: f.evidence,
    fix: f.fix,
    why: f.why,
    ...(f.path ? { path: f.path } : {}),
  }));
  return JSON.stringify({ findings: out, summary }, null, 2) + '\n';
}
