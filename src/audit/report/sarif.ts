/** @module SARIF 2.1.0 output with the fields code-scanning tools read: rules, levels, messages, file URIs and start lines. */
import type { Finding, Severity } from '../finding.js';
import { CHECKS, CHECK_BY_ID } from '../catalog.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note' };
/** GitHub code scanning ranks security results by this property (0.1–10). */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0' };

function uriOf(file: string): { uri: string; uriBaseId?: string } {
  if (file === '') return { uri: 'pbxguard-host-state' };
  const encoded = file.split('/').map(encodeURIComponent).join('/');
  return file.startsWith('/') ? { uri: `file://${encoded}` } : { uri: encoded, uriBaseId: 'ASTERISKDIR' };
}

export function renderSarif(findings: Finding[], auditedDir: string): string {
  const rules = CHECKS.map((c) => ({
    id: c.id,
    name: c.id.replace(/(^|-)([a-z])/g, (_m, _d: string, ch: string) => ch.toUpperCase()),
    shortDescription: { text: c.summary },
    fullDescription: { text: c.summary },
    help: { text: `${c.summary} See docs/audit.md.` },
    defaultConfiguration: { level: LEVEL[c.severity] },
    properties: { tags: ['security', c.area], 'security-severity': SECURITY_SEVERITY[c.severity] },
  }));
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results = findings.map((f) => {
    const known = CHECK_BY_ID.has(f.id);
    return {
      ruleId: f.id,
      ...(known ? { ruleIndex: index.get(f.id)! } : {}),
      level: LEVEL[f.severity],
      message: { text: `${f.title}\nFound: ${f.evidence}\nWhy: ${f.why}\nFix: ${f.fix}${f.path ? `\nPath:\n${f.path.join('\n')}` : ''}` },
      locations: [{ physicalLocation: { artifactLocation: uriOf(f.file), region: { startLine: Math.max(1, f.line) } } }],
      partialFingerprints: { 'pbxguardFinding/v1': `${f.id}:${f.file}:${f.evidence}` },
      properties: { severity: f.severity, 'security-severity': SECURITY_SEVERITY[f.severity] },
    };
  });
  const base = auditedDir.endsWith('/') ? auditedDir : `${auditedDir}/`;
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'pbxguard', version: '0.1.0', semanticVersion: '0.1.0', rules } },
        originalUriBaseIds: { ASTERISKDIR: { uri: `file://${base.split('/').map(encodeURIComponent).join('/')}` } },
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
