/** @module Chooses the report renderer for a format name. */
import type { AuditResult } from '../run-audit.js';
import { renderText } from './text.js';
import { renderJson } from './json.js';
import { renderSarif } from './sarif.js';
import { renderHtml } from './html.js';

export type ReportFormat = 'text' | 'json' | 'sarif' | 'html';

export interface RenderOptions {
  color: boolean;
  /** absolute directory the relative finding paths are under (SARIF's base URI) */
  auditedDir: string;
}

export function renderReport(format: ReportFormat, result: AuditResult, opts: RenderOptions): string {
  switch (format) {
    case 'json':
      return renderJson(result.findings, result.summary);
    case 'sarif':
      return renderSarif(result.findings, opts.auditedDir);
    case 'html':
      return renderHtml(result.findings, result.summary);
    default:
      return renderText(result.findings, result.summary, { color: opts.color });
  }
}
