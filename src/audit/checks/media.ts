/** @module Checks of the media path: RTP that follows whoever sends to the port. */
import type { Finding } from '../finding.js';
import { findingAt } from '../finding.js';
import type { PbxConfig } from '../pbx.js';
import { firstSection, isTrue, lastEntry } from '../conf/model.js';

export function mediaFindings(pbx: PbxConfig): Finding[] {
  const general = firstSection(pbx.files['rtp.conf'], 'general');
  const strict = general ? lastEntry(general, 'strictrtp') : undefined;
  // res_rtp_asterisk: true is strict, `seqno` is strict by sequence number, any other word leaves RTP open
  if (!strict || isTrue(strict.value) || strict.value.toLowerCase() === 'seqno') return [];
  return [
    findingAt(strict.at, {
      id: 'rtp-strict-off',
      severity: 'medium',
      title: 'RTP follows any address that sends to a call port',
      evidence: `strictrtp = ${strict.value}`,
      why: 'With strictrtp=no (rtp.conf.sample: on by default), a packet from anywhere to an open RTP port redirects the media: calls can be injected into or hijacked.',
      fix: 'Remove `strictrtp=no` from rtp.conf (or set `strictrtp=yes`); fix one-way audio behind NAT with `rtp_symmetric`/`rewrite_contact` instead.',
    }),
  ];
}
