/** @module Checks for unauthenticated calls and for answers that let scanners enumerate extensions. */
import type { Finding, SwitchCheck } from '../finding.js';
import { findingAt, switchFindings } from '../finding.js';
import type { PbxConfig } from '../pbx.js';
import { moduleDisabled } from '../pbx.js';
import type { Account, PjsipObjects } from '../accounts.js';
import { concreteSections, firstSection, isFalse, isTrue, lastEntry, switchedOn } from '../conf/model.js';

function sipFindings(pbx: PbxConfig): Finding[] {
  const out: Finding[] = [];
  const file = pbx.files['sip.conf'];
  const g = firstSection(file, 'general');
  if (!file || !g || moduleDisabled(pbx, 'chan_sip.so')) return out;
  const guest = lastEntry(g, 'allowguest');
  if (isTrue(guest?.value ?? 'yes')) {
    out.push(
      findingAt(guest?.at ?? g.at, {
        id: 'sip-allowguest',
        severity: 'high',
        title: 'chan_sip accepts calls from anyone (allowguest)',
        evidence: guest ? `allowguest = ${guest.value}` : '[general] without allowguest=no (the default is yes)',
        why: "Unauthenticated INVITEs run in [general]'s context; if that context reaches a trunk, anyone on the Internet can call out through you.",
        fix: 'Set `allowguest=no` in [general] of sip.conf (and point `context=` at a context that only plays a message).',
      }),
    );
  }
  const reject = lastEntry(g, 'alwaysauthreject');
  if (reject && !isTrue(reject.value)) {
    out.push(
      findingAt(reject.at, {
        id: 'sip-alwaysauthreject-off',
        severity: 'medium',
        title: 'chan_sip tells scanners which extensions exist',
        evidence: `alwaysauthreject = ${reject.value}`,
        why: 'With alwaysauthreject=no, unknown users get 404 and known ones 401: svwar lists your extensions, then svcrack attacks exactly those.',
        fix: 'Set `alwaysauthreject=yes` in [general] of sip.conf.',
      }),
    );
  }
  return out;
}

function pjsipFindings(pj: PjsipObjects, all: Account[]): Finding[] {
  const out: Finding[] = [];
  for (const a of all) {
    if (a.tech !== 'PJSIP' || a.name !== 'anonymous') continue;
    out.push(
      findingAt(a.section.at, {
        id: 'pjsip-anonymous-endpoint',
        severity: 'high',
        title: 'A PJSIP anonymous endpoint takes calls nobody authenticated',
        evidence: `[${a.name}] type=endpoint, context=${a.context}`,
        why: 'res_pjsip_endpoint_identifier_anonymous sends every unidentified call to this endpoint; its context must reach nothing but local destinations.',
        fix: 'Remove the anonymous endpoint; identify providers with `type=identify` instead. If it must stay, give it a context that only reaches your DIDs.',
      }),
    );
  }
  for (const ep of pj.endpoints) {
    const check: SwitchCheck = {
      key: 'allow_unauthenticated_options',
      id: 'pjsip-unauthenticated-options',
      severity: 'low',
      title: `Endpoint ${ep.name} answers OPTIONS without authentication`,
      why: 'Scanners use OPTIONS to find live endpoints and fingerprint the PBX without ever failing a login.',
      fix: 'Remove `allow_unauthenticated_options` (default no).',
    };
    out.push(...switchFindings([check], (key) => switchedOn(ep, key)));
  }
  const g = pj.global;
  if (g) {
    const count = lastEntry(g, 'unidentified_request_count');
    if (count && Number(count.value) > 50) {
      out.push(
        findingAt(count.at, {
          id: 'pjsip-unidentified-request-limits',
          severity: 'low',
          title: 'Unidentified requests are reported only after a large burst',
          evidence: `unidentified_request_count = ${count.value}`,
          why: 'PJSIP reports an address sending many unidentified requests (a scan) only past this count within unidentified_request_period.',
          fix: 'Keep `unidentified_request_count` at its default of 5.',
        }),
      );
    }
  }
  return out;
}

function iaxFindings(pbx: PbxConfig, all: Account[]): Finding[] {
  const out: Finding[] = [];
  const file = pbx.files['iax.conf'];
  if (!file || moduleDisabled(pbx, 'chan_iax2.so')) return out;
  for (const s of concreteSections(file)) {
    const req = lastEntry(s, 'requirecalltoken');
    if (req && isFalse(req.value)) {
      out.push(
        findingAt(req.at, {
          id: 'iax-calltoken-disabled',
          severity: 'medium',
          title: `IAX2 call tokens disabled in [${s.name}]`,
          evidence: `requirecalltoken = ${req.value}`,
          why: 'IAX2-security.txt: without call tokens, spoofed-source IAX2 packets exhaust call numbers (denial of service) and can be used for traffic amplification.',
          fix: 'Remove `requirecalltoken=no` (default auto) and upgrade peers that do not support call tokens.',
        }),
      );
    }
    for (const opt of s.entries.filter((e) => e.name.toLowerCase() === 'calltokenoptional')) {
      out.push(
        findingAt(opt.at, {
          id: 'iax-calltoken-optional',
          severity: /^0\.0\.0\.0/.test(opt.value) ? 'medium' : 'low',
          title: 'IAX2 call tokens are optional for some addresses',
          evidence: `calltokenoptional = ${opt.value}`,
          why: 'Addresses in calltokenoptional skip the anti-spoofing handshake; 0.0.0.0/0.0.0.0 turns it off for everyone.',
          fix: 'Limit `calltokenoptional` to the exact addresses of legacy peers, or remove it.',
        }),
      );
    }
  }
  for (const a of all) {
    if (a.tech !== 'IAX2' || a.role !== 'guest') continue;
    out.push(
      findingAt(a.section.at, {
        id: 'iax-guest',
        severity: 'high',
        title: `IAX2 user ${a.name} accepts calls without a secret`,
        evidence: `[${a.name}] type=user without secret, context=${a.context}`,
        why: 'Any IAX2 client can call in as this user; its context is open to the Internet.',
        fix: `Give [${a.name}] a strong \`secret\` (or \`auth=rsa\` keys) and a permit/deny list, or remove it.`,
      }),
    );
  }
  const g = firstSection(file, 'general');
  const authdebug = g ? lastEntry(g, 'authdebug') : undefined;
  // chan_iax2's compiled-in default is off
  if (g && !isTrue(authdebug?.value)) {
    out.push(
      findingAt(authdebug?.at ?? g.at, {
        id: 'iax-authdebug-off',
        severity: 'low',
        title: 'IAX2 password failures are not logged',
        evidence: authdebug ? `authdebug = ${authdebug.value}` : '[general] without authdebug=yes (the default is no)',
        why: 'chan_iax2 logs "failed MD5 authentication" only with authdebug=yes; without it, a brute force against IAX2 leaves no trace for pbxguard to act on.',
        fix: 'Set `authdebug=yes` in [general] of iax.conf.',
      }),
    );
  }
  return out;
}

export function guestFindings(pbx: PbxConfig, pj: PjsipObjects, all: Account[]): Finding[] {
  return [...sipFindings(pbx), ...pjsipFindings(pj, all), ...iaxFindings(pbx, all)];
}
