/** @module sshd checks: root login, passwords, default port, and who may log in from where; first value wins, as in sshd. */
import type { Finding, SwitchCheck } from '../finding.js';
import { findingAt, switchFindings } from '../finding.js';
import type { ConfSource } from '../conf/source.js';
import type { SshdLine } from './read.js';
import { readSshd } from './read.js';
import { parseRule } from '../acl.js';

/** True for `Match Address <networks>` where every network is private or loopback: the block never applies to strangers. */
export function matchesOnlyPrivateAddresses(criteria: string): boolean {
  const m = /^address\s+(\S+)$/i.exec(criteria.trim());
  if (!m) return false;
  return m[1]!.split(',').every((net) => {
    const rule = parseRule(true, net);
    return rule !== undefined && !rule.negate && ['private', 'loopback', 'uniqueLocal', 'linkLocal'].includes(rule.net[0].range()) && rule.net[1] >= (rule.net[0].kind() === 'ipv4' ? 8 : 7);
  });
}

/** The value sshd uses for a keyword outside Match blocks: the first one written. */
function first(lines: SshdLine[], key: string): SshdLine | undefined {
  return lines.find((l) => l.key === key && l.match === undefined);
}

const YES = /^yes$/i;

export interface SshdAudit {
  findings: Finding[];
  files: string[];
}

/** Keywords that are a weakness when set to yes outside Match blocks. */
const YES_IS_WEAK: readonly SwitchCheck[] = [
  {
    key: 'permitrootlogin',
    id: 'ssh-root-login',
    severity: 'high',
    title: 'sshd lets root log in (PermitRootLogin yes)',
    why: 'root is the first account every SSH brute-force tries; one guessed password owns the PBX and its trunks.',
    fix: 'Set `PermitRootLogin prohibit-password` (or `no`) and log in as a user with sudo.',
  },
  {
    key: 'permitemptypasswords',
    id: 'ssh-empty-passwords',
    severity: 'critical',
    title: 'sshd accepts accounts with empty passwords',
    why: 'Any account without a password can log in from the network.',
    fix: 'Set `PermitEmptyPasswords no`.',
  },
];

export function sshdFindings(lines: SshdLine[], mainFile: string): Finding[] {
  const out = switchFindings(YES_IS_WEAK, (key) => {
    const l = first(lines, key);
    return l && YES.test(l.value) ? { at: l.at, evidence: `${l.keyword} ${l.value}` } : undefined;
  });
  const top = { file: mainFile, line: 0 };
  const pw = first(lines, 'passwordauthentication');
  // keyboard-interactive through PAM asks for the same password; OpenSSH's default is yes, UsePAM's is no
  const kbd = first(lines, 'kbdinteractiveauthentication') ?? first(lines, 'challengeresponseauthentication');
  const pam = first(lines, 'usepam');
  const viaPam = YES.test(kbd?.value ?? 'yes') && YES.test(pam?.value ?? 'no');
  if (!pw || YES.test(pw.value) || viaPam) {
    const direct = !pw || YES.test(pw.value);
    out.push(
      findingAt((direct ? pw?.at : (kbd?.at ?? pam?.at)) ?? top, {
        id: 'ssh-password-auth',
        severity: 'medium',
        title: 'sshd accepts passwords',
        evidence: direct
          ? pw
            ? `${pw.keyword} ${pw.value}`
            : 'PasswordAuthentication not set (the default is yes)'
          : `${kbd ? `${kbd.keyword} ${kbd.value}` : 'KbdInteractiveAuthentication not set (the default is yes)'} with UsePAM yes: PAM asks for the password`,
        why: 'Password logins can be brute-forced from anywhere; keys cannot.',
        fix: 'Install SSH keys for every admin, then set `PasswordAuthentication no` (and `KbdInteractiveAuthentication no`).',
      }),
    );
  }
  for (const l of lines) {
    if (l.match === undefined || matchesOnlyPrivateAddresses(l.match)) continue;
    if ((l.key === 'passwordauthentication' || l.key === 'permitrootlogin') && YES.test(l.value)) {
      out.push(
        findingAt(l.at, {
          id: l.key === 'permitrootlogin' ? 'ssh-root-login' : 'ssh-password-auth',
          severity: l.key === 'permitrootlogin' ? 'high' : 'medium',
          title: `sshd allows ${l.key === 'permitrootlogin' ? 'root login' : 'passwords'} for connections matching "${l.match}"`,
          evidence: `Match ${l.match}: ${l.keyword} ${l.value}`,
          why: 'A Match block re-opens what the global settings closed, for every connection it matches.',
          fix: 'Narrow the Match to `Address <LAN>/<mask>` or remove the line.',
        }),
      );
    }
  }
  // every Port line adds a port (sshd_config(5): multiple options of this type are permitted)
  const ports = lines.filter((l) => l.key === 'port' && l.match === undefined);
  const port = ports.find((l) => l.value.trim() === '22');
  if (ports.length === 0 || port) {
    out.push(
      findingAt(port?.at ?? top, {
        id: 'ssh-default-port',
        severity: 'low',
        title: 'sshd listens on port 22',
        evidence: port ? `${port.keyword} ${port.value}` : 'Port not set (the default is 22)',
        why: 'Port 22 receives nearly all automated brute-force traffic; a different port is no defence on its own but removes most of that noise from your logs.',
        fix: 'Limit port 22 to admin addresses in the firewall, or move sshd to another port.',
      }),
    );
  }
  const allow = lines.find((l) => (l.key === 'allowusers' || l.key === 'allowgroups') && l.match === undefined);
  const listen = lines.filter((l) => l.key === 'listenaddress' && l.match === undefined);
  const listensEverywhere = listen.length === 0 || listen.some((l) => /^(0\.0\.0\.0|::|\[::\])(:\d+)?$/.test(l.value.split(/\s+/)[0] ?? ''));
  if (!allow && listensEverywhere) {
    out.push(
      findingAt(listen[0]?.at ?? top, {
        id: 'ssh-no-restriction',
        severity: 'medium',
        title: 'Any account may log in over SSH from any network',
        evidence: 'no AllowUsers/AllowGroups, and ListenAddress is unset or a wildcard',
        why: 'Service accounts (asterisk, www-data) and every other user are brute-force targets when sshd accepts them from all interfaces.',
        fix: 'Add `AllowUsers <admin>` (or `AllowGroups ssh-users`), and `ListenAddress <management address>` where a separate network exists.',
      }),
    );
  }
  return out;
}

export function auditSshd(source: ConfSource, path: string): SshdAudit {
  const cfg = readSshd(source, path);
  const problems = cfg.problems.map((p) =>
    findingAt(p.at, {
      id: 'config-parse-error',
      severity: 'low',
      title: 'Part of the sshd configuration could not be read',
      evidence: p.message,
      why: 'Settings in a file the audit cannot read are not audited; sshd may still apply them.',
      fix: 'Make the file readable (or remove the loop) and audit again; on the host, --live compares with `sshd -T`.',
    }),
  );
  return { findings: [...sshdFindings(cfg.lines, path), ...problems], files: cfg.files };
}

/** Reads `sshd -T` output (one lower-case `keyword value` per line, the configuration sshd really uses). */
export function parseSshdT(text: string): SshdLine[] {
  const out: SshdLine[] = [];
  text.split('\n').forEach((raw, i) => {
    const m = /^(\S+)\s+(.*)$/.exec(raw.trim());
    if (m) out.push({ keyword: m[1]!, key: m[1]!.toLowerCase(), value: m[2]!, at: { file: 'sshd -T', line: i + 1 } });
  });
  return out;
}

/**
 * Findings that sshd's effective configuration shows but the file reading missed (an Include we could not read,
 * a compiled-in default, a distribution patch). They point at the sshd_config as the place to fix.
 */
export function effectiveOnlyFindings(fileFindings: Finding[], sshdT: string, sshdPath: string): Finding[] {
  const seen = new Set(fileFindings.map((f) => f.id));
  return sshdFindings(parseSshdT(sshdT), sshdPath)
    .filter((f) => !seen.has(f.id))
    .map((f) => ({ ...f, file: sshdPath, line: 0, title: `${f.title} (effective configuration, sshd -T)`, evidence: `sshd -T: ${f.evidence}` }));
}
