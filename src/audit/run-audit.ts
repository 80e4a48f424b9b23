/** @module Runs every check over one PBX configuration (and optionally sshd and host state) and returns sorted findings. */
import type { ConfSource } from './conf/source.js';
import type { AuditSummary, Finding } from './finding.js';
import { sortFindings, summarize } from './finding.js';
import { filesRead, loadPbx } from './pbx.js';
import type { PbxConfig } from './pbx.js';
import { accounts, pjsipObjects, trunkKeys } from './accounts.js';
import { secretFindings } from './checks/secrets.js';
import { sourceRestrictionFindings } from './checks/source-restrictions.js';
import { guestFindings } from './checks/guests.js';
import { amiHttpFindings } from './checks/ami-http.js';
import { loggingFindings } from './checks/logging.js';
import { systemFindings } from './checks/system.js';
import { mediaFindings } from './checks/media.js';
import { buildDialplan } from './dialplan/model.js';
import { reachabilityFindings, staticDialplanFindings } from './dialplan/checks.js';

export interface AuditResult {
  findings: Finding[];
  summary: AuditSummary;
}

/** All Asterisk checks over an already loaded configuration. */
export function auditPbx(pbx: PbxConfig): Finding[] {
  const pj = pjsipObjects(pbx);
  const all = accounts(pbx, pj);
  const plan = buildDialplan(pbx.files['extensions.conf']);
  const reach = reachabilityFindings(plan, all, trunkKeys(all));
  const secrets = secretFindings(pbx, all, pj);
  if (reach.remoteVoicemail) {
    // a weak PIN matters most when callers from outside can reach VoiceMailMain(): say so, and rank it accordingly
    const at = reach.remoteVoicemail.at;
    for (const f of secrets) {
      if (f.id !== 'voicemail-pin-weak') continue;
      f.severity = 'high';
      f.why = `${f.why} Callers from outside reach VoiceMailMain() at ${at.file}:${at.line}.`;
    }
  }
  return [
    ...secrets,
    ...sourceRestrictionFindings(all, pj, pbx),
    ...guestFindings(pbx, pj, all),
    ...amiHttpFindings(pbx),
    ...loggingFindings(pbx),
    ...systemFindings(pbx),
    ...mediaFindings(pbx),
    ...staticDialplanFindings(plan),
    ...reach.findings,
  ];
}

export interface AuditInput {
  source: ConfSource;
  asteriskDir: string;
  /** findings from other parts (sshd, live host) to merge in */
  extra?: Finding[];
  extraFiles?: string[];
}

export function runAudit(input: AuditInput): AuditResult {
  const pbx = loadPbx(input.source, input.asteriskDir);
  const findings = sortFindings([...auditPbx(pbx), ...(input.extra ?? [])]);
  return { findings, summary: summarize(findings, [...filesRead(pbx), ...(input.extraFiles ?? [])]) };
}
