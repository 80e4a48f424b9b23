/** @module A self-contained HTML report (no scripts, no external files); every config-derived string is escaped. */
import type { AuditSummary, Finding } from '../finding.js';
import { SEVERITIES } from '../finding.js';

/** Escapes text for element content and quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

const CSS = `body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#222}
h1{font-size:1.5rem}h2{margin-top:2rem}.sev{display:inline-block;padding:0 .5em;border-radius:.3em;color:#fff;font-weight:600;font-size:.8em;text-transform:uppercase}
.critical{background:#8b0000}.high{background:#c0392b}.medium{background:#b9770e}.low{background:#2e86c1}
article{border:1px solid #ddd;border-radius:.4em;padding:.6em 1em;margin:.8em 0}code,pre{font-family:ui-monospace,monospace;font-size:.9em;white-space:pre-wrap;word-break:break-word}
dt{font-weight:600}dd{margin:0 0 .4em 0}table{border-collapse:collapse}td,th{padding:.2em .8em;border-bottom:1px solid #eee;text-align:left}`;

function article(f: Finding): string {
  const where = f.file === '' ? '(host)' : f.line > 0 ? `${f.file}:${f.line}` : f.file;
  const path = f.path ? `<dt>Path</dt><dd><pre>${escapeHtml(f.path.join('\n'))}</pre></dd>` : '';
  return `<article><p><span class="sev ${f.severity}">${f.severity}</span> <code>${escapeHtml(where)}</code> <strong>${escapeHtml(f.title)}</strong> <small>[${escapeHtml(f.id)}]</small></p>
<dl><dt>Found</dt><dd><code>${escapeHtml(f.evidence)}</code></dd>${path}<dt>Why</dt><dd>${escapeHtml(f.why)}</dd><dt>Fix</dt><dd>${escapeHtml(f.fix)}</dd></dl></article>`;
}

export function renderHtml(findings: Finding[], summary: AuditSummary): string {
  const rows = SEVERITIES.map((s) => `<tr><td><span class="sev ${s}">${s}</span></td><td>${summary.bySeverity[s]}</td></tr>`).join('');
  const sections = SEVERITIES.map((s) => {
    const group = findings.filter((f) => f.severity === s);
    return group.length === 0 ? '' : `<section><h2>${s[0]!.toUpperCase()}${s.slice(1)} (${group.length})</h2>${group.map(article).join('\n')}</section>`;
  }).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>pbxguard audit</title><style>${CSS}</style></head><body>
<h1>pbxguard audit: ${summary.total} findings</h1>
<table>${rows}</table>
<p>Files read: ${summary.filesRead.map((f) => `<code>${escapeHtml(f)}</code>`).join(', ')}</p>
${summary.total === 0 ? '<p>No weaknesses found.</p>' : sections}
</body></html>
`;
}
