/**
 * @module Asterisk address rules (permit/deny lines and named ACLs from acl.conf), evaluated as Asterisk does:
 * allow by default, the last matching rule decides, every ACL on an object must allow, an undefined named ACL denies.
 */
import ipaddr from 'ipaddr.js';
import type { ConfSection } from './conf/model.js';
import { concreteSections } from './conf/model.js';
import type { PbxConfig } from './pbx.js';

interface Rule {
  allow: boolean;
  /** `!net` in Asterisk inverts the match */
  negate: boolean;
  net: [ipaddr.IPv4 | ipaddr.IPv6, number];
}

/** Addresses from three unrelated public /8s: if one of them passes, the rules do not confine the account to known networks. */
export const STRANGER_ADDRESSES = ['45.95.147.10', '103.145.13.20', '185.243.5.30'];

/** Public IPv6 addresses: an IPv4 rule never matches them (ast_apply_ha skips rules of the other family). */
export const STRANGER_ADDRESSES_V6 = ['2a0e:97c0:3e3::10', '2001:4860:4860::8888'];



/** Parses `addr`, `addr/bits` or `addr/dotted.mask`, with an optional leading `!`. Undefined when malformed. */
export function parseRule(allow: boolean, value: string): Rule | undefined {
  let v = value.trim();
  const negate = v.startsWith('!');
  if (negate) v = v.slice(1).trim();
  const [addrText = '', maskText] = v.split('/');
  try {
    const addr = ipaddr.parse(addrText.trim());
    const max = addr.kind() === 'ipv4' ? 32 : 128;
    let bits = max;
    if (maskText !== undefined) {
      const m = maskText.trim();
      bits = /^\d+$/.test(m) ? Number(m) : ipaddr.IPv4.parse(m).prefixLengthFromSubnetMask() ?? NaN;
    }
    if (!(bits >= 0 && bits <= max)) return undefined;
    return { allow, negate, net: [addr, bits] };
  } catch {
    return undefined;
  }
}

function rulesOf(section: ConfSection, prefix = ''): Rule[] {
  const out: Rule[] = [];
  for (const e of section.entries) {
    const key = e.name.toLowerCase();
    if (key !== `${prefix}permit` && key !== `${prefix}deny`) continue;
    const r = parseRule(key === `${prefix}permit`, e.value);
    if (r) out.push(r);
  }
  return out;
}

/** Asterisk's ast_apply_ha: start allowed; each rule whose network matches (or, negated, does not) sets the answer. */
export function applyRules(rules: Rule[], address: string): boolean {
  const addr = ipaddr.process(address);
  let allowed = true;
  for (const r of rules) {
    if (addr.kind() !== r.net[0].kind()) continue; // a rule of the other family never matches
    const hit = addr.match(r.net) !== r.negate;
    if (hit) allowed = r.allow;
  }
  return allowed;
}

/** Named ACLs of acl.conf, by name. */
export function namedAcls(pbx: PbxConfig): Map<string, Rule[]> {
  return new Map(concreteSections(pbx.files['acl.conf']).map((s) => [s.name, rulesOf(s)]));
}

export interface AclVerdict {
  /** true when some stranger address passes every ACL on the object */
  open: boolean;
  /** what was found, for evidence */
  detail: string;
}

/**
 * Judges the request ACL of a section (`permit`/`deny`/`acl=`, or with `prefix` `contact_` the registration ACL).
 */
export function judgeAcl(section: ConfSection, named: Map<string, Rule[]>, prefix = '', probes: readonly string[] = STRANGER_ADDRESSES): AclVerdict {
  const local = rulesOf(section, prefix);
  const names = section.entries.filter((e) => e.name.toLowerCase() === `${prefix}acl`).flatMap((e) => e.value.split(',').map((n) => n.trim()).filter(Boolean));
  if (local.length === 0 && names.length === 0) return { open: true, detail: `no ${prefix}permit/${prefix}deny/${prefix}acl` };
  const lists: Rule[][] = [];
  if (local.length > 0) lists.push(local);
  for (const n of names) lists.push(named.get(n) ?? [{ allow: false, negate: false, net: [ipaddr.parse('0.0.0.0'), 0] }]); // undefined ACL: nothing allowed (asterisk-testsuite acl_call)
  const passes = probes.find((a) => lists.every((rules) => applyRules(rules, a)));
  if (passes === undefined) return { open: false, detail: 'limited' };
  const permitOnly = local.length > 0 && local.every((r) => r.allow);
  return { open: true, detail: permitOnly ? `${prefix}permit lines without a ${prefix}deny: Asterisk allows every other address by default (e.g. ${passes})` : `the rules let ${passes} through` };
}

/** True when strangers are kept out and every network the rules permit is loopback: only this host may connect. */
export function onlyLoopback(section: ConfSection, named: Map<string, Rule[]>): boolean {
  if (judgeAcl(section, named).open) return false;
  const names = section.entries.filter((e) => e.name.toLowerCase() === 'acl').flatMap((e) => e.value.split(',').map((n) => n.trim()));
  const permits = [...rulesOf(section), ...names.flatMap((n) => named.get(n) ?? [])].filter((r) => r.allow);
  return permits.every((r) => !r.negate && r.net[0].range() === 'loopback' && r.net[1] >= (r.net[0].kind() === 'ipv4' ? 8 : 128));
}
