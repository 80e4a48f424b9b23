/**
 * @module Expands pjsip_wizard.conf into the endpoint, auth, aor and identify objects res_pjsip_config_wizard would
 * create, so every PJSIP check sees wizard accounts too. Each value keeps the file:line it was written at.
 */
import type { ConfEntry, ConfFile, ConfSection, Provenance } from './conf/model.js';
import { concreteSections, isTrue, lastEntry, valueOf } from './conf/model.js';

function synthetic(name: string, type: string, at: Provenance, entries: ConfEntry[]): ConfSection {
  return { name, at, isTemplate: false, inherits: [], entries: [{ name: 'type', value: type, object: false, at }, ...entries] };
}

/** Entries written `prefix/param`, renamed to `param`. */
function prefixed(section: ConfSection, prefix: string): ConfEntry[] {
  const p = `${prefix}/`;
  return section.entries.filter((e) => e.name.toLowerCase().startsWith(p)).map((e) => ({ ...e, name: e.name.slice(p.length) }));
}

/** The objects one wizard section stands for, named as the wizard names them (`NAME`, `NAME-iauth`, `NAME-oauth`, `NAME-identify`). */
export function expandWizardSection(w: ConfSection): ConfSection[] {
  const out: ConfSection[] = [];
  const flag = (k: string) => isTrue(valueOf(w, k));
  const endpoint = prefixed(w, 'endpoint');
  const remote = lastEntry(w, 'remote_hosts');
  const hosts = (remote?.value ?? '').split(',').map((h) => h.trim()).filter(Boolean);
  if (flag('accepts_auth')) {
    out.push(synthetic(`${w.name}-iauth`, 'auth', w.at, prefixed(w, 'inbound_auth')));
    endpoint.push({ name: 'auth', value: `${w.name}-iauth`, object: false, at: w.at });
  }
  if (flag('sends_auth')) {
    out.push(synthetic(`${w.name}-oauth`, 'auth', w.at, prefixed(w, 'outbound_auth')));
    endpoint.push({ name: 'outbound_auth', value: `${w.name}-oauth`, object: false, at: w.at });
  }
  const aor = prefixed(w, 'aor');
  if (!flag('accepts_registrations') && remote) for (const h of hosts) aor.push({ name: 'contact', value: `sip:${h}`, object: false, at: remote.at });
  out.push(synthetic(w.name, 'aor', w.at, aor));
  endpoint.push({ name: 'aors', value: w.name, object: false, at: w.at });
  out.push(synthetic(w.name, 'endpoint', w.at, endpoint));
  const identify = prefixed(w, 'identify');
  if (!flag('accepts_registrations') && !flag('sends_line_with_registrations') && (remote || identify.length > 0)) {
    const match = identify.some((e) => e.name.toLowerCase() === 'match') ? [] : hosts.map((h) => ({ name: 'match', value: h.replace(/:\d+$/, ''), object: false, at: remote!.at }));
    out.push(synthetic(`${w.name}-identify`, 'identify', w.at, [{ name: 'endpoint', value: w.name, object: false, at: w.at }, ...match, ...identify]));
  }
  return out;
}

export function expandWizard(file: ConfFile | undefined): ConfSection[] {
  return concreteSections(file)
    .filter((s) => valueOf(s, 'type')?.toLowerCase() === 'wizard')
    .flatMap(expandWizardSection);
}
