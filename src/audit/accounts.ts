/** @module The SIP, PJSIP and IAX2 accounts a PBX defines, each with its role, context, secret and address limits. */
import type { ConfEntry, ConfFile, ConfSection, Provenance } from './conf/model.js';
import { concreteSections, firstSection, isTrue, lastEntry, valueOf } from './conf/model.js';
import type { PbxConfig } from './pbx.js';
import { moduleDisabled } from './pbx.js';
import { judgeAcl, namedAcls } from './acl.js';
import { expandWizard } from './pjsip-wizard.js';

export type Tech = 'PJSIP' | 'SIP' | 'IAX2';

/**
 * `extension`: a phone that authenticates (or is confined by address rules); `trunk`: a provider matched by address or
 * registration; `guest`: calls nobody authenticated (chan_sip allowguest, a PJSIP `anonymous` endpoint, a PJSIP endpoint
 * without auth that can be identified by name, a chan_sip or IAX2 account without secret).
 */
export type AccountRole = 'extension' | 'trunk' | 'guest';

export interface Account {
  tech: Tech;
  name: string;
  role: AccountRole;
  /** the dialplan context its calls start in */
  context: string;
  /** where that context was set, or the section header when it is the default */
  contextAt: Provenance;
  section: ConfSection;
  /** the secret line, for accounts that authenticate with one */
  secret?: ConfEntry;
  /** the user name sent with the secret */
  authUser?: string;
  /** true when permit/deny/acl keep arbitrary Internet addresses out */
  addressLimited: boolean;
  /** how the address rules were judged, for evidence */
  aclDetail: string;
}

type NamedAcls = ReturnType<typeof namedAcls>;

function limits(section: ConfSection, named: NamedAcls): { addressLimited: boolean; aclDetail: string } {
  const v = judgeAcl(section, named);
  return { addressLimited: !v.open, aclDetail: v.detail };
}

/** Groups the concrete sections of a file by their `type=`, in one pass (pjsip.conf of a large FreePBX has tens of thousands). */
function byType(sections: ConfSection[]): Map<string, ConfSection[]> {
  const out = new Map<string, ConfSection[]>();
  for (const s of sections) {
    const type = valueOf(s, 'type')?.toLowerCase() ?? '';
    const list = out.get(type);
    if (list) list.push(s);
    else out.set(type, [s]);
  }
  return out;
}

export interface PjsipObjects {
  endpoints: ConfSection[];
  auths: Map<string, ConfSection>;
  aors: Map<string, ConfSection>;
  identifies: ConfSection[];
  registrations: ConfSection[];
  transports: ConfSection[];
  global: ConfSection | undefined;
  /** endpoint names treated as trunks */
  trunks: Set<string>;
}

function splitList(v: string | undefined): string[] {
  return (v ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}

export function pjsipObjects(pbx: PbxConfig): PjsipObjects {
  const types = byType([...concreteSections(pbx.files['pjsip.conf']), ...expandWizard(pbx.files['pjsip_wizard.conf'])]);
  const typed = (t: string): ConfSection[] => types.get(t) ?? [];
  const endpoints = typed('endpoint');
  const auths = new Map(typed('auth').map((s) => [s.name, s]));
  const aors = new Map(typed('aor').map((s) => [s.name, s]));
  const identifies = typed('identify');
  const registrations = typed('registration');
  const trunks = new Set<string>();
  for (const id of identifies) for (const ep of splitList(valueOf(id, 'endpoint'))) trunks.add(ep);
  for (const reg of registrations) for (const ep of splitList(valueOf(reg, 'endpoint'))) trunks.add(ep);
  for (const ep of endpoints) {
    // a provider is reached at a fixed contact; a phone registers its contact
    const staticContact = splitList(valueOf(ep, 'aors')).some((a) => (aors.get(a)?.entries ?? []).some((e) => e.name.toLowerCase() === 'contact'));
    if (staticContact && valueOf(ep, 'auth') === undefined) trunks.add(ep.name);
  }
  return { endpoints, auths, aors, identifies, registrations, transports: typed('transport'), global: typed('global')[0], trunks };
}

/**
 * True when anyone can be taken for this endpoint without a password: it has no inbound `auth`, PJSIP may identify
 * it by the From user (endpoint_identifier_order and identify_by both include username, their defaults), and no
 * address rule keeps strangers out.
 */
export function unauthenticatedByName(pj: PjsipObjects, ep: ConfSection, addressLimited: boolean): boolean {
  if (valueOf(ep, 'auth') !== undefined || addressLimited) return false;
  const order = (pj.global ? valueOf(pj.global, 'endpoint_identifier_order') : undefined) ?? 'ip,username,anonymous';
  return /\busername\b/i.test(order) && /\busername\b/i.test(valueOf(ep, 'identify_by') ?? 'username,ip');
}

function pjsipAccounts(pj: PjsipObjects, named: NamedAcls): Account[] {
  return pj.endpoints.map((ep) => {
    const ctx = lastEntry(ep, 'context');
    const authName = splitList(valueOf(ep, 'auth'))[0];
    const auth = authName === undefined ? undefined : pj.auths.get(authName);
    const acl = limits(ep, named);
    const open = ep.name === 'anonymous' || (!pj.trunks.has(ep.name) && unauthenticatedByName(pj, ep, acl.addressLimited));
    const role: AccountRole = open ? 'guest' : pj.trunks.has(ep.name) ? 'trunk' : 'extension';
    const account: Account = {
      tech: 'PJSIP',
      name: ep.name,
      role,
      context: ctx?.value ?? 'default',
      contextAt: ctx?.at ?? ep.at,
      section: ep,
      ...acl,
    };
    if (auth) {
      const pw = lastEntry(auth, 'password');
      if (pw && (valueOf(auth, 'auth_type') ?? 'userpass').toLowerCase() === 'userpass') account.secret = pw;
      account.authUser = valueOf(auth, 'username') ?? auth.name;
    }
    return account;
  });
}

/** chan_sip and chan_iax2 share the peer/user/friend model; `host=` other than dynamic makes a trunk. */
function peerAccounts(tech: 'SIP' | 'IAX2', file: ConfFile | undefined, named: NamedAcls): Account[] {
  const general = firstSection(file, 'general');
  const defaultCtx = general ? lastEntry(general, 'context') : undefined;
  const out: Account[] = [];
  for (const s of concreteSections(file)) {
    const type = valueOf(s, 'type')?.toLowerCase();
    if (s.name.toLowerCase() === 'general' || s.name === '' || (type !== 'peer' && type !== 'friend' && type !== 'user')) continue;
    const host = valueOf(s, 'host')?.toLowerCase();
    const secret = lastEntry(s, 'secret');
    const authRsa = (valueOf(s, 'auth') ?? '').toLowerCase() === 'rsa';
    const acl = limits(s, named);
    // an account without a secret is a guest, unless address rules confine it to known networks (a peer trusted by address)
    const noPassword = !secret && !authRsa && lastEntry(s, 'md5secret') === undefined && !acl.addressLimited;
    const role: AccountRole = host !== undefined && host !== 'dynamic' ? 'trunk' : noPassword && (tech === 'SIP' || type !== 'peer') ? 'guest' : 'extension';
    const ctx = lastEntry(s, 'context') ?? defaultCtx;
    const account: Account = { tech, name: s.name, role, context: ctx?.value ?? 'default', contextAt: ctx?.at ?? s.at, section: s, ...acl };
    if (secret) account.secret = secret;
    account.authUser = valueOf(s, 'defaultuser') ?? valueOf(s, 'username') ?? s.name;
    out.push(account);
  }
  if (tech === 'SIP' && file && general && isTrue(valueOf(general, 'allowguest') ?? 'yes')) {
    // chan_sip sends unauthenticated calls to the general context when allowguest is on, its default
    out.push({ tech, name: '(guest)', role: 'guest', context: defaultCtx?.value ?? 'default', contextAt: defaultCtx?.at ?? general.at, section: general, addressLimited: false, aclDetail: 'unauthenticated' });
  }
  return out;
}

/** Every account of the channel drivers that are loaded. */
export function accounts(pbx: PbxConfig, pj: PjsipObjects = pjsipObjects(pbx)): Account[] {
  const named = namedAcls(pbx);
  const out = pjsipAccounts(pj, named);
  if (!moduleDisabled(pbx, 'chan_sip.so')) out.push(...peerAccounts('SIP', pbx.files['sip.conf'], named));
  if (!moduleDisabled(pbx, 'chan_iax2.so')) out.push(...peerAccounts('IAX2', pbx.files['iax.conf'], named));
  return out;
}

/** Names a Dial() channel can use to reach each trunk, e.g. `PJSIP:provider`, `SIP:provider`. */
export function trunkKeys(all: Account[]): Set<string> {
  return new Set(all.filter((a) => a.role === 'trunk').map((a) => `${a.tech}:${a.name}`));
}
