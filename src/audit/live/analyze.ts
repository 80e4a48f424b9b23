/** @module Turns listening sockets, the firewall and the host's addresses into findings about exposed PBX services. */
import type { Finding, Severity } from '../finding.js';
import type { Listener } from './ss.js';
import { isWildcard } from './ss.js';
import type { InputChain } from './firewall.js';
import { reachableFromAnywhere } from './firewall.js';

interface Service {
  name: string;
  proto: 'tcp' | 'udp';
  port: number;
  severity: Severity;
  fix: string;
}

export const SERVICES: readonly Service[] = [
  { name: 'SIP', proto: 'udp', port: 5060, severity: 'medium', fix: 'Allow 5060 only from your provider and office networks (or bind the transport to the voice network).' },
  { name: 'SIP', proto: 'tcp', port: 5060, severity: 'medium', fix: 'Allow 5060 only from your provider and office networks.' },
  { name: 'SIP TLS', proto: 'tcp', port: 5061, severity: 'medium', fix: 'Allow 5061 only from the networks your phones use.' },
  { name: 'IAX2', proto: 'udp', port: 4569, severity: 'medium', fix: 'Allow 4569 only from your IAX2 peers.' },
  { name: 'AMI', proto: 'tcp', port: 5038, severity: 'high', fix: 'Bind the AMI to 127.0.0.1 (manager.conf bindaddr) and drop 5038 in the firewall.' },
  { name: 'HTTP (admin)', proto: 'tcp', port: 80, severity: 'high', fix: 'Allow the admin web interface only from the LAN or a VPN.' },
  { name: 'HTTPS (admin)', proto: 'tcp', port: 443, severity: 'high', fix: 'Allow the admin web interface only from the LAN or a VPN.' },
  { name: 'Asterisk HTTP', proto: 'tcp', port: 8088, severity: 'high', fix: 'Bind http.conf to 127.0.0.1 or allow 8088 only from the LAN.' },
  { name: 'Asterisk HTTPS', proto: 'tcp', port: 8089, severity: 'high', fix: 'Allow 8089 only from the LAN or the WebRTC clients that need it.' },
  { name: 'SSH', proto: 'tcp', port: 22, severity: 'medium', fix: 'Allow SSH only from admin addresses or a VPN.' },
];

export interface HostState {
  listeners: Listener[];
  /** undefined when no firewall could be read: then every port is taken as open */
  firewall: InputChain[] | undefined;
  /** non-loopback addresses of the host */
  addresses: string[];
}

export function hostFindings(state: HostState): Finding[] {
  const out: Finding[] = [];
  const reported = new Set<string>();
  for (const svc of SERVICES) {
    const l = state.listeners.find((x) => x.proto === svc.proto && x.port === svc.port && isWildcard(x.address));
    if (!l) continue;
    const open = state.firewall === undefined || reachableFromAnywhere(state.firewall, svc.proto, svc.port);
    const key = `${svc.name}/${svc.proto}/${svc.port}`;
    if (open && !reported.has(key)) {
      reported.add(key);
      out.push({
        id: 'host-port-open',
        severity: svc.severity,
        title: `${svc.name} (${svc.proto}/${svc.port}) is open to every address`,
        file: '',
        line: 0,
        evidence: `listening on ${l.address}:${l.port}; ${state.firewall === undefined ? 'no firewall ruleset could be read' : 'no firewall rule limits new connections from any source'}`,
        why: 'Scanners sweep the whole Internet for these ports daily; every open one is a login to brute-force or a service to fingerprint.',
        fix: svc.fix,
      });
    }
    if (state.addresses.length > 1 && svc.name !== 'SSH') {
      out.push({
        id: 'host-bound-all',
        severity: 'low',
        title: `${svc.name} listens on all ${state.addresses.length} networks of this host`,
        file: '',
        line: 0,
        evidence: `${l.address}:${l.port} while the host has ${state.addresses.join(', ')}`,
        why: 'Where a separate voice network exists, a service bound to every interface is also offered on the networks that should never reach it.',
        fix: `Bind ${svc.name} to the address of the network that needs it (pjsip transport bind=, manager.conf/http.conf bindaddr=).`,
      });
    }
  }
  return out;
}

/** Reads `ip -j addr` JSON: the global-scope addresses of interfaces other than loopback. */
export function parseIpAddrJson(text: string): string[] {
  const ifaces = JSON.parse(text) as { ifname?: string; addr_info?: { local?: string; scope?: string }[] }[];
  return ifaces.filter((i) => i.ifname !== 'lo').flatMap((i) => (i.addr_info ?? []).filter((a) => a.scope === 'global' && a.local).map((a) => a.local!));
}
