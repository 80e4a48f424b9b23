/** @module Checks that Asterisk writes the security log that pbxguard and its operators rely on. */
import type { Finding } from '../finding.js';
import { findingAt } from '../finding.js';
import type { PbxConfig } from '../pbx.js';
import { firstSection } from '../conf/model.js';

export function loggingFindings(pbx: PbxConfig): Finding[] {
  const logger = pbx.files['logger.conf'];
  const logfiles = firstSection(logger, 'logfiles');
  const channels = logfiles?.entries ?? [];
  // a channel's value lists levels; `*` means every level, security included (logger.conf.sample)
  const hasSecurity = channels.some((e) => e.value.split(',').some((lvl) => /^(security|\*)$/i.test(lvl.trim().replace(/^\[.*\]/, ''))));
  if (hasSecurity) return [];
  return [
    findingAt(logfiles?.at ?? (logger ? { file: logger.files[0] ?? 'logger.conf', line: 1 } : { file: 'logger.conf', line: 0 }), {
      id: 'security-log-off',
      severity: 'medium',
      title: 'The security log is not written',
      evidence: logger ? 'no channel in [logfiles] includes the security level' : 'logger.conf is missing (Asterisk then logs notice, warning and error only)',
      why: "Asterisk's security events (InvalidPassword, ChallengeResponseFailed, InvalidAccountID) carry the attacker's address where messages.log often does not; without them, brute force against chan_sip INVITEs is invisible.",
      fix: 'Add `security => security` to [logfiles] in logger.conf and run `logger reload`.',
    }),
  ];
}
