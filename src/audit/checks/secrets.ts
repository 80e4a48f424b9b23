/** @module Checks every secret a PBX keeps: SIP/PJSIP/IAX2 accounts, AMI and ARI users, voicemail PINs. */
import type { Finding } from '../finding.js';
import { findingAt } from '../finding.js';
import type { PbxConfig } from '../pbx.js';
import type { Account, PjsipObjects } from '../accounts.js';
import { concreteSections, lastEntry, valueOf } from '../conf/model.js';
import type { ConfEntry, Provenance } from '../conf/model.js';
import { judgePin, judgeSecret, maskSecret } from './secret-strength.js';
import { judgeAcl, namedAcls } from '../acl.js';

const FIX_SECRET = 'Replace it with a random secret of 16 or more characters mixing upper and lower case, digits and symbols (e.g. `openssl rand -base64 18`), and update the device.';

function secretFinding(what: string, entry: ConfEntry, identities: string[], remote: boolean, why: string): Finding | undefined {
  const verdict = judgeSecret(entry.value, { identities, remote });
  if (!verdict) return undefined;
  return findingAt(entry.at, {
    id: verdict.id,
    severity: verdict.severity,
    title: `Weak secret for ${what}: ${verdict.reason}`,
    evidence: `${entry.name} = ${maskSecret(entry.value)}${entry.inheritedFrom ? ` (from template ${entry.inheritedFrom})` : ''}`,
    why,
    fix: FIX_SECRET,
  });
}

export function accountSecretFindings(all: Account[], pj: PjsipObjects): Finding[] {
  const out: Finding[] = [];
  const why = 'Scanners such as sipvicious svcrack try thousands of passwords per second against every extension; a guessed secret lets the attacker register or place calls billed to you.';
  for (const a of all) {
    if (a.tech === 'SIP' && a.role === 'guest' && a.name !== '(guest)') {
      out.push(
        findingAt(a.section.at, {
          id: 'secret-empty',
          severity: 'critical',
          title: `chan_sip ${a.name} has no secret and no address limit`,
          evidence: `[${a.name}] without secret= or md5secret=, ${a.aclDetail}`,
          why: 'chan_sip neither challenges calls nor registrations of a peer without a secret: anyone can register as it or call in its context.',
          fix: FIX_SECRET,
        }),
      );
      continue;
    }
    if (!a.secret || a.tech === 'PJSIP') continue;
    const f = secretFinding(`${a.tech} ${a.role} ${a.name}`, a.secret, [a.name, a.authUser ?? ''], !a.addressLimited, why);
    if (f) out.push(f);
  }
  // every PJSIP auth section, also those used only as outbound_auth towards a provider or not used at all
  const usersOf = new Map<string, Account[]>();
  for (const a of all) {
    if (a.tech !== 'PJSIP') continue;
    for (const name of (valueOf(a.section, 'auth') ?? '').split(',')) {
      const key = name.trim();
      usersOf.set(key, [...(usersOf.get(key) ?? []), a]);
    }
  }
  for (const [name, auth] of pj.auths) {
    const pw = lastEntry(auth, 'password');
    if (!pw || (valueOf(auth, 'auth_type') ?? 'userpass').toLowerCase() !== 'userpass') continue;
    const users = usersOf.get(name) ?? [];
    const identities = [name, valueOf(auth, 'username') ?? '', ...users.map((u) => u.name)];
    const remote = users.length === 0 || users.some((u) => !u.addressLimited);
    const what = users.length > 0 ? `PJSIP ${users[0]!.role} ${users[0]!.name}` : `PJSIP auth ${name}`;
    const f = secretFinding(what, pw, identities, remote, why);
    if (f) out.push(f);
    const user = lastEntry(auth, 'username');
    const login = user?.value ?? name;
    if (remote && users.some((u) => u.role === 'extension') && /^\d{1,6}$/.test(login)) out.push(extensionNamedLogin(login, user?.at ?? auth.at));
  }
  for (const a of all) {
    if ((a.tech === 'SIP' || a.tech === 'IAX2') && a.role === 'extension' && a.secret && !a.addressLimited && /^\d{1,6}$/.test(a.authUser ?? '')) {
      out.push(extensionNamedLogin(a.authUser!, a.section.at));
    }
  }
  return out;
}

/** README-SERIOUSLY, Proper Device Naming: a login equal to the extension number is the first one scanners try. */
function extensionNamedLogin(login: string, at: Provenance): Finding {
  return findingAt(at, {
    id: 'auth-name-is-extension',
    severity: 'low',
    title: `The SIP login ${login} is the extension number`,
    evidence: `login name ${login}`,
    why: "svwar and svcrack walk number ranges: a login equal to the extension halves the attacker's work. Asterisk's best-practices document recommends device names that are not the extension (e.g. the phone's MAC address).",
    fix: 'Authenticate devices with a name that is not their extension (e.g. `username = 0019159BF771`), or confine the account to your networks with deny/permit.',
  });
}

function managerSecretFindings(pbx: PbxConfig): Finding[] {
  const out: Finding[] = [];
  const named = namedAcls(pbx);
  for (const s of concreteSections(pbx.files['manager.conf'])) {
    if (s.name.toLowerCase() === 'general' || s.name === '') continue;
    const secret = lastEntry(s, 'secret');
    if (!secret) continue;
    const limited = !judgeAcl(s, named).open;
    const f = secretFinding(`AMI user ${s.name}`, secret, [s.name], !limited, 'The AMI can originate calls and, with the system or originate class, run commands on the host.');
    if (f) out.push(f);
  }
  return out;
}

function ariSecretFindings(pbx: PbxConfig): Finding[] {
  const out: Finding[] = [];
  for (const s of concreteSections(pbx.files['ari.conf'])) {
    if (valueOf(s, 'type')?.toLowerCase() !== 'user') continue;
    const pw = lastEntry(s, 'password');
    if (!pw || (valueOf(s, 'password_format') ?? 'plain').toLowerCase() === 'crypt') continue;
    const f = secretFinding(`ARI user ${s.name}`, pw, [s.name], true, 'ARI controls channels and bridges over HTTP: a guessed password gives control of calls.');
    if (f) out.push(f);
  }
  return out;
}

function voicemailFindings(pbx: PbxConfig): Finding[] {
  const out: Finding[] = [];
  const skip = new Set(['general', 'zonemessages', '']);
  for (const s of concreteSections(pbx.files['voicemail.conf'])) {
    if (skip.has(s.name.toLowerCase())) continue;
    for (const e of s.entries) {
      // mailbox => pin,full name,email,pager,options; a leading '-' only stops the user changing the PIN
      const pin = (e.value.split(',')[0] ?? '').trim().replace(/^[-*]/, '');
      const verdict = judgePin(pin, e.name);
      if (!verdict) continue;
      out.push(
        findingAt(e.at, {
          id: 'voicemail-pin-weak',
          severity: verdict.severity,
          title: `Weak voicemail PIN for mailbox ${e.name}@${s.name}: ${verdict.reason}`,
          evidence: `${e.name} => ${maskSecret(pin)},…`,
          why: 'Voicemail reachable from outside (VoiceMailMain on a DID) with a guessable PIN lets an attacker set call forwarding or use callback features to place calls, and read messages.',
          fix: 'Set a PIN of 6 or more digits that is not the mailbox number, a repeated digit or a run; force users to change it (`-` prefix stops that, remove it).',
        }),
      );
    }
  }
  return out;
}

export function secretFindings(pbx: PbxConfig, all: Account[], pj: PjsipObjects): Finding[] {
  return [...accountSecretFindings(all, pj), ...managerSecretFindings(pbx), ...ariSecretFindings(pbx), ...voicemailFindings(pbx)];
}
