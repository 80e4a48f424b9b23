/** @module Checks which addresses may use each account: ACLs on phones, address matching for trunks, contact limits. */
import type { Finding } from '../finding.js';
import { findingAt } from '../finding.js';
import type { Account } from '../accounts.js';
import type { PjsipObjects } from '../accounts.js';
import { unauthenticatedByName } from '../accounts.js';
import { allEntries, firstSection, lastEntry, valueOf } from '../conf/model.js';
import type { Provenance } from '../conf/model.js';
import type { PbxConfig } from '../pbx.js';
import { STRANGER_ADDRESSES_V6, judgeAcl, namedAcls } from '../acl.js';

const ANY_NETWORK = /^(0\.0\.0\.0(\/0(\.0\.0\.0)?)?|::(\/0)?|0\.0\.0\.0\/0)$/;

function accountNoAcl(a: Account): Finding | undefined {
  if (a.role !== 'extension' || a.addressLimited) return undefined;
  const pjsip = a.tech === 'PJSIP';
  return findingAt(a.section.at, {
    id: pjsip ? 'pjsip-endpoint-no-acl' : a.tech === 'SIP' ? 'sip-peer-no-acl' : 'iax-user-no-acl',
    severity: 'medium',
    title: `${a.tech} extension ${a.name} can register and call from any address`,
    evidence: `[${a.name}]: ${a.aclDetail}`,
    why: 'Without an address limit, a guessed or leaked secret works from anywhere on the Internet; phones on the office LAN never need that.',
    fix: pjsip
      ? `Add to [${a.name}]: \`deny=0.0.0.0/0.0.0.0\` and \`permit=<your LAN>/<mask>\` (or \`acl=<named acl>\`) and \`contact_deny\`/\`contact_permit\` the same way; remote workers belong on a VPN.`
      : `Add to [${a.name}]: \`deny=0.0.0.0/0.0.0.0\` then \`permit=<your LAN>/<mask>\`.`,
  });
}

function sipInsecure(a: Account): Finding | undefined {
  if (a.tech !== 'SIP') return undefined;
  const e = lastEntry(a.section, 'insecure');
  if (!e || !/invite/i.test(e.value) || a.addressLimited) return undefined;
  return findingAt(e.at, {
    id: 'sip-insecure-invite',
    severity: 'high',
    title: `chan_sip peer ${a.name} takes INVITEs without authentication and without an address limit`,
    evidence: `insecure = ${e.value}`,
    why: 'insecure=invite skips the password for calls; chan_sip then matches the peer by address only, so a spoofed or wide host match places calls into its context.',
    fix: `Keep insecure=invite only for a trunk with a fixed host=, and add \`deny=0.0.0.0/0.0.0.0\` + \`permit=<provider address>\` to [${a.name}].`,
  });
}

function trunkChecks(pj: PjsipObjects, all: Account[]): Finding[] {
  const out: Finding[] = [];
  const identified = new Set(pj.identifies.flatMap((s) => (valueOf(s, 'endpoint') ?? '').split(',').map((x) => x.trim())));
  for (const a of all) {
    if (a.tech !== 'PJSIP' || a.role !== 'trunk' || identified.has(a.name)) continue;
    out.push(
      findingAt(a.section.at, {
        id: 'pjsip-trunk-no-identify',
        severity: 'medium',
        title: `PJSIP trunk ${a.name} has no identify section`,
        evidence: `no [..] type=identify with endpoint=${a.name}`,
        why: "Without `identify`, the provider's calls cannot be matched by address; such setups usually end up sending inbound calls through an anonymous endpoint that anyone can use.",
        fix: `Add \`[${a.name}-identify]\` with \`type=identify\`, \`endpoint=${a.name}\` and \`match=<provider addresses>\`.`,
      }),
    );
  }
  // res_pjsip_endpoint_identifier_user matches the From user to an endpoint's name; without inbound auth nothing else is asked
  for (const a of all) {
    if (a.tech !== 'PJSIP' || a.name === 'anonymous' || !unauthenticatedByName(pj, a.section, a.addressLimited)) continue;
    const by = lastEntry(a.section, 'identify_by');
    const trunk = a.role === 'trunk';
    out.push(
      findingAt(by?.at ?? a.section.at, {
        id: trunk ? 'pjsip-trunk-username-match' : 'pjsip-endpoint-no-auth',
        severity: trunk ? 'high' : 'critical',
        title: `Anyone can be taken for ${trunk ? 'trunk' : 'endpoint'} ${a.name} by sending From: <sip:${a.name}@…>`,
        evidence: by ? `identify_by = ${by.value}, no auth=` : `[${a.name}] without auth= and without identify_by (the default is username,ip)`,
        why: 'PJSIP identifies a request by its From user when the address does not match; with no inbound authentication and no address rule, a request from anywhere naming this endpoint is accepted unchallenged in its context.',
        fix: trunk
          ? `Add \`identify_by = ip\` to [${a.name}] so only its identify match= addresses are taken as the trunk.`
          : `Give [${a.name}] an \`auth=\` with a strong password, or \`identify_by = ip\` with an identify section and deny/permit rules.`,
      }),
    );
  }
  for (const id of pj.identifies) {
    for (const m of allEntries(id, 'match')) {
      if (!m.value.split(',').some((v) => ANY_NETWORK.test(v.trim()))) continue;
      out.push(
        findingAt(m.at, {
          id: 'pjsip-identify-any',
          severity: 'high',
          title: `identify ${id.name} matches every address`,
          evidence: `match = ${m.value}`,
          why: 'Every request from anywhere is taken as coming from the trunk, with no password: anyone can place calls in its context.',
          fix: "List only the provider's signalling addresses in `match=`.",
        }),
      );
    }
  }
  for (const [name, aor] of pj.aors) {
    const mc = lastEntry(aor, 'max_contacts');
    const n = Number(mc?.value);
    if (!mc || !(n > 3)) continue;
    out.push(
      findingAt(mc.at, {
        id: 'pjsip-aor-many-contacts',
        severity: 'low',
        title: `AOR ${name} accepts ${n} registered contacts`,
        evidence: `max_contacts = ${mc.value}`,
        why: 'A stolen secret registers alongside the real phone and silently receives its calls; with max_contacts=1 and remove_existing=yes the hijack shows.',
        fix: 'Set `max_contacts=1` and `remove_existing=yes` unless the user really has several devices.',
      }),
    );
  }
  return out;
}

/** A listening address of IPv6 (`[::]`, `::`, `[2001:db8::1]:5060`) in a PJSIP transport or chan_sip/IAX2 bindaddr. */
function ipv6Listener(pbx: PbxConfig, pj: PjsipObjects): Provenance | undefined {
  const v6 = (v: string) => v.trim().startsWith('[') || (v.match(/:/g)?.length ?? 0) >= 2;
  for (const t of pj.transports) {
    const bind = lastEntry(t, 'bind');
    if (bind && v6(bind.value)) return bind.at;
  }
  for (const [file, key] of [['sip.conf', 'udpbindaddr'], ['sip.conf', 'bindaddr'], ['iax.conf', 'bindaddr']] as const) {
    const general = firstSection(pbx.files[file], 'general');
    for (const e of general ? allEntries(general, key) : []) if (v6(e.value)) return e.at;
  }
  return undefined;
}

/** Address rules written for IPv4 only, on a PBX that also listens on IPv6: every IPv6 address passes them. */
function ipv6Bypass(pbx: PbxConfig, pj: PjsipObjects, all: Account[]): Finding[] {
  const listener = ipv6Listener(pbx, pj);
  if (!listener) return [];
  const named = namedAcls(pbx);
  return all
    .filter((a) => a.addressLimited && a.role !== 'trunk' && judgeAcl(a.section, named, '', STRANGER_ADDRESSES_V6).open)
    .map((a) =>
      findingAt(a.section.at, {
        id: 'acl-ipv6-open',
        severity: 'medium',
        title: `${a.tech} ${a.name} is limited for IPv4 only, while Asterisk listens on IPv6`,
        evidence: `its deny/permit rules are all IPv4; IPv6 listener at ${listener.file}:${listener.line}`,
        why: 'Asterisk skips address rules of the other family: deny=0.0.0.0/0.0.0.0 does not deny an IPv6 source, so the limit does not hold for attackers reaching the IPv6 address.',
        fix: `Add \`deny=::/0\` (and IPv6 permits if needed) to [${a.name}] or its named ACL, or bind the SIP transport to IPv4 only.`,
      }),
    );
}

export function sourceRestrictionFindings(all: Account[], pj: PjsipObjects, pbx: PbxConfig): Finding[] {
  const out: Finding[] = [...ipv6Bypass(pbx, pj, all)];
  for (const a of all) {
    const f = accountNoAcl(a);
    if (f) out.push(f);
    const g = sipInsecure(a);
    if (g) out.push(g);
  }
  return [...out, ...trunkChecks(pj, all)];
}
