/** @module Checks the Asterisk Manager Interface and the built-in HTTP server: where they listen, who may log in, with which rights. */
import type { Finding } from '../finding.js';
import { findingAt } from '../finding.js';
import type { PbxConfig } from '../pbx.js';
import type { ConfSection } from '../conf/model.js';
import { concreteSections, lastEntry } from '../conf/model.js';
import { judgeAcl, namedAcls, onlyLoopback } from '../acl.js';

const YES = /^(yes|true|on|1)$/i;
/** AMI classes that run commands or reach the dialplan with caller-chosen variables (README-SERIOUSLY: treat originate as system). */
const DANGEROUS_CLASSES = ['system', 'command', 'originate', 'config', 'all'];

function isWildcardBind(addr: string | undefined): boolean {
  const a = (addr ?? '0.0.0.0').trim().replace(/^\[|\]$/g, '');
  return a === '0.0.0.0' || a === '::' || a === '' || a === '*';
}

function isLoopback(addr: string): boolean {
  return /^127\.|^::1$|^localhost$/i.test(addr.trim().replace(/^\[|\]$/g, ''));
}

function general(pbx: PbxConfig, name: 'manager.conf' | 'http.conf'): ConfSection | undefined {
  return concreteSections(pbx.files[name]).find((s) => s.name.toLowerCase() === 'general');
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
  if (!g || !YES.test(lastEntry(g, 'enabled')?.value ?? 'no')) return out;
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
  const web = lastEntry(g, 'webenabled');
  if (web && YES.test(web.value)) {
    out.push(
      findingAt(web.at, {
        id: 'ami-over-http',
        severity: 'medium',
        title: 'The AMI is also served over the HTTP server',
        evidence: `webenabled = ${web.value}`,
        why: 'AMI over HTTP (/manager, /rawman) is reachable wherever http.conf binds, often beyond the AMI port that the firewall covers.',
        fix: 'Set `webenabled=no` unless a tool needs it, and bind http.conf to 127.0.0.1.',
      }),
    );
  }
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

function httpFindings(pbx: PbxConfig): Finding[] {
  const out: Finding[] = [];
  const g = general(pbx, 'http.conf');
  if (!g) return out;
  const enabled = lastEntry(g, 'enabled');
  if (YES.test(enabled?.value ?? 'no')) {
    const bind = lastEntry(g, 'bindaddr');
    if (!bind || !isLoopback(bind.value)) {
      out.push(
        findingAt(bind?.at ?? enabled?.at ?? g.at, {
          id: 'http-bound-all',
          severity: bind && !isWildcardBind(bind.value) ? 'low' : 'medium',
          title: "Asterisk's HTTP server listens beyond this host",
          evidence: bind ? `bindaddr = ${bind.value}` : 'enabled = yes without bindaddr',
          why: 'The built-in HTTP server carries ARI, AMI over HTTP and WebSocket SIP; each is a login to brute-force.',
          fix: 'Set `bindaddr=127.0.0.1` in http.conf and put a reverse proxy with TLS and an allowlist in front if remote access is needed.',
        }),
      );
    }
  }
  const tls = lastEntry(g, 'tlsenable');
  const tlsBind = lastEntry(g, 'tlsbindaddr');
  if (tls && YES.test(tls.value) && isWildcardBind(tlsBind?.value)) {
    out.push(
      findingAt(tlsBind?.at ?? tls.at, {
        id: 'http-bound-all',
        severity: 'medium',
        title: "Asterisk's HTTPS server listens on every address",
        evidence: tlsBind ? `tlsbindaddr = ${tlsBind.value}` : 'tlsenable = yes without tlsbindaddr',
        why: 'The built-in HTTP server carries ARI, AMI over HTTP and WebSocket SIP; each is a login to brute-force.',
        fix: 'Set `tlsbindaddr` to a LAN or loopback address.',
      }),
    );
  }
  return out;
}

export function amiHttpFindings(pbx: PbxConfig): Finding[] {
  return [...amiFindings(pbx), ...httpFindings(pbx)];
}
