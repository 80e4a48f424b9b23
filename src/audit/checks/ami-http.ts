/** @module Checks the Asterisk Manager Interface and the built-in HTTP server: where they listen, who may log in, with which rights. */
import type { Finding, SwitchCheck } from '../finding.js';
import { findingAt, switchFindings } from '../finding.js';
import type { PbxConfig } from '../pbx.js';
import type { ConfSection } from '../conf/model.js';
import { concreteSections, firstSection, isTrue, lastEntry, switchedOn } from '../conf/model.js';
import { judgeAcl, namedAcls, onlyLoopback } from '../acl.js';

const AMI_SWITCHES: readonly SwitchCheck[] = [
  {
    key: 'webenabled',
    id: 'ami-over-http',
    severity: 'medium',
    title: 'The AMI is also served over the HTTP server',
    why: 'AMI over HTTP (/manager, /rawman) is reachable wherever http.conf binds, often beyond the AMI port that the firewall covers.',
    fix: 'Set `webenabled=no` unless a tool needs it, and bind http.conf to 127.0.0.1.',
  },
];
/** AMI classes that run commands or reach the dialplan with caller-chosen variables (README-SERIOUSLY: treat originate as system). */
const DANGEROUS_CLASSES = ['system', 'command', 'originate', 'config', 'all'];

/** The address of a bind value without its port: `0.0.0.0:8089`, `[::1]:8089`, `::` and `127.0.0.1` are all written in http.conf. */
function hostOf(addr: string): string {
  const a = addr.trim();
  const bracketed = /^\[([^\]]*)\]/.exec(a);
  if (bracketed) return bracketed[1]!;
  // one colon is a port; more are an IPv6 address without brackets, which cannot carry one
  return a.split(':').length === 2 ? a.slice(0, a.indexOf(':')) : a;
}

function isWildcardBind(addr: string | undefined): boolean {
  const a = hostOf(addr ?? '0.0.0.0');
  return a === '0.0.0.0' || a === '::' || a === '' || a === '*';
}

function isLoopback(addr: string): boolean {
  return /^127\.|^::1$|^localhost$/i.test(hostOf(addr));
}

function general(pbx: PbxConfig, name: 'manager.conf' | 'http.conf'): ConfSection | undefined {
  return firstSection(pbx.files[name], 'general');
}

/** True when the user's address rules keep arbitrary Internet addresses out. */
function aclLimited(user: ConfSection, named: ReturnType<typeof namedAcls>): boolean {
  return !judgeAcl(user, named).open;
}

/** True when only this host may log in. */
function permitsOnlyLoopback(user: ConfSection, named: ReturnType<typeof namedAcls>): boolean {
  return onlyLoopback(user, named);
}

function amiFindings(pbx: PbxConfig): Finding[] {
  const out: Finding[] = [];
  const named = namedAcls(pbx);
  const g = general(pbx, 'manager.conf');
  if (!g || !isTrue(lastEntry(g, 'enabled')?.value)) return out;
  const bind = lastEntry(g, 'bindaddr');
  const public_ = isWildcardBind(bind?.value);
  if (public_) {
    out.push(
      findingAt(bind?.at ?? lastEntry(g, 'enabled')?.at ?? g.at, {
        id: 'ami-bound-all',
        severity: 'high',
        title: 'The AMI listens on every address',
        evidence: bind ? `bindaddr = ${bind.value}` : 'enabled = yes without bindaddr (the default is 0.0.0.0)',
        why: 'The AMI (port 5038, clear text) can originate calls and run commands; scanners look for it and brute-force it.',
        fix: 'Set `bindaddr=127.0.0.1` in [general] of manager.conf; reach it remotely over SSH or a VPN.',
      }),
    );
  }
  out.push(...switchFindings(AMI_SWITCHES, (key) => switchedOn(g, key)));
  for (const user of concreteSections(pbx.files['manager.conf'])) {
    if (user.name.toLowerCase() === 'general' || user.name === '') continue;
    const limited = aclLimited(user, named);
    if (!limited) {
      out.push(
        findingAt(user.at, {
          id: 'ami-user-no-acl',
          severity: public_ ? 'high' : 'medium',
          title: `AMI user ${user.name} may log in from any address`,
          evidence: `[${user.name}]: ${judgeAcl(user, named).detail}`,
          why: 'An AMI login from the Internet with a guessed secret controls the PBX.',
          fix: `Add \`deny=0.0.0.0/0.0.0.0\` and \`permit=127.0.0.1/255.255.255.255\` (or the management host) to [${user.name}].`,
        }),
      );
    }
    const write = lastEntry(user, 'write');
    const classes = (write?.value ?? '').split(',').map((c) => c.trim().toLowerCase());
    const dangerous = classes.filter((c) => DANGEROUS_CLASSES.includes(c));
    if (write && dangerous.length > 0 && !permitsOnlyLoopback(user, named)) {
      out.push(
        findingAt(write.at, {
          id: 'ami-dangerous-rights',
          severity: limited ? 'high' : 'critical',
          title: `AMI user ${user.name} has ${dangerous.join(', ')} rights from beyond this host`,
          evidence: `write = ${write.value}`,
          why: 'README-SERIOUSLY: originate is as strong as system; Originate can run System() or set variables that the dialplan passes to a shell.',
          fix: `Drop ${dangerous.join('/')} from \`write\` of [${user.name}], or permit it only from 127.0.0.1.`,
        }),
      );
    }
  }
  return out;
}

/** http.conf's two listeners: each is switched on by one option and bound by another. */
const HTTP_LISTENERS = [
  { server: 'HTTP', on: 'enabled', bind: 'bindaddr' },
  { server: 'HTTPS', on: 'tlsenable', bind: 'tlsbindaddr' },
] as const;

function httpFindings(pbx: PbxConfig): Finding[] {
  const out: Finding[] = [];
  const g = general(pbx, 'http.conf');
  if (!g) return out;
  for (const l of HTTP_LISTENERS) {
    const on = lastEntry(g, l.on);
    const bind = lastEntry(g, l.bind);
    if (!on || !isTrue(on.value) || (bind && isLoopback(bind.value))) continue;
    out.push(
      findingAt(bind?.at ?? on.at, {
        id: 'http-bound-all',
        // a LAN address is a smaller exposure than every address
        severity: bind && !isWildcardBind(bind.value) ? 'low' : 'medium',
        title: `Asterisk's ${l.server} server listens beyond this host`,
        evidence: bind ? `${l.bind} = ${bind.value}` : `${l.on} = ${on.value} without ${l.bind}`,
        why: 'The built-in HTTP server carries ARI, AMI over HTTP and WebSocket SIP; each is a login to brute-force.',
        fix: `Set \`${l.bind}=127.0.0.1\` in http.conf and put a reverse proxy with TLS and an allowlist in front if remote access is needed.`,
      }),
    );
  }
  return out;
}

export function amiHttpFindings(pbx: PbxConfig): Finding[] {
  return [...amiFindings(pbx), ...httpFindings(pbx)];
}
