/** @module Every check the audit runs, with its id, usual severity and one-line description (SARIF rules and docs/audit.md use it). */
import type { Severity } from './finding.js';

export interface CheckInfo {
  id: string;
  /** the usual severity; some findings of a check are raised or lowered with the circumstances */
  severity: Severity;
  area: 'secrets' | 'source' | 'guests' | 'dialplan' | 'ami-http' | 'logging' | 'asterisk' | 'ssh' | 'host';
  summary: string;
}

export const CHECKS: readonly CheckInfo[] = [
  { id: 'secret-empty', severity: 'critical', area: 'secrets', summary: 'An account secret is empty, or a chan_sip account has none and no address limit.' },
  { id: 'secret-guessable', severity: 'critical', area: 'secrets', summary: 'A secret equals or contains the user name or extension, is a common or default password, or is the best-practices document example.' },
  { id: 'secret-weak', severity: 'high', area: 'secrets', summary: 'A secret is all digits, short, or too short for an account usable from any address.' },
  { id: 'auth-name-is-extension', severity: 'low', area: 'secrets', summary: 'A SIP/IAX2 login usable from any address is the extension number.' },
  { id: 'voicemail-pin-weak', severity: 'high', area: 'secrets', summary: 'A voicemail PIN is empty, equals the mailbox, repeats a digit, is a run, or is short.' },
  { id: 'pjsip-endpoint-no-acl', severity: 'medium', area: 'source', summary: 'A PJSIP extension has no acl/permit/deny/contact_acl.' },
  { id: 'sip-peer-no-acl', severity: 'medium', area: 'source', summary: 'A chan_sip extension has no permit/deny.' },
  { id: 'iax-user-no-acl', severity: 'medium', area: 'source', summary: 'An IAX2 account has no permit/deny.' },
  { id: 'acl-ipv6-open', severity: 'medium', area: 'source', summary: 'Address rules are IPv4 only while Asterisk listens on IPv6, where they do not apply.' },
  { id: 'sip-insecure-invite', severity: 'high', area: 'source', summary: 'A chan_sip peer takes INVITEs without authentication and without an address limit.' },
  { id: 'pjsip-trunk-no-identify', severity: 'medium', area: 'source', summary: 'A PJSIP trunk has no identify section matching its provider.' },
  { id: 'pjsip-endpoint-no-auth', severity: 'critical', area: 'source', summary: 'A PJSIP endpoint without inbound auth or address rules can be used by anyone who names it in From.' },
  { id: 'pjsip-trunk-username-match', severity: 'high', area: 'source', summary: 'A PJSIP trunk without inbound auth can be identified by the From user name (identify_by includes username).' },
  { id: 'pjsip-identify-any', severity: 'high', area: 'source', summary: 'An identify section matches every address.' },
  { id: 'pjsip-aor-many-contacts', severity: 'low', area: 'source', summary: 'An AOR accepts more than three registered contacts.' },
  { id: 'sip-allowguest', severity: 'high', area: 'guests', summary: 'chan_sip accepts unauthenticated calls (allowguest, on by default).' },
  { id: 'sip-alwaysauthreject-off', severity: 'medium', area: 'guests', summary: 'chan_sip answers unknown users differently, so extensions can be enumerated.' },
  { id: 'pjsip-anonymous-endpoint', severity: 'high', area: 'guests', summary: 'A PJSIP anonymous endpoint takes unidentified calls.' },
  { id: 'pjsip-unauthenticated-options', severity: 'low', area: 'guests', summary: 'An endpoint answers OPTIONS without authentication.' },
  { id: 'pjsip-unidentified-request-limits', severity: 'low', area: 'guests', summary: 'Unidentified-request reporting is set to a large burst.' },
  { id: 'iax-calltoken-disabled', severity: 'medium', area: 'guests', summary: 'IAX2 call tokens are disabled (requirecalltoken=no).' },
  { id: 'iax-calltoken-optional', severity: 'medium', area: 'guests', summary: 'IAX2 call tokens are optional for some or all addresses.' },
  { id: 'iax-guest', severity: 'high', area: 'guests', summary: 'An IAX2 user accepts calls without a secret.' },
  { id: 'iax-authdebug-off', severity: 'low', area: 'logging', summary: 'IAX2 password failures are not logged (authdebug off).' },
  { id: 'dialplan-outbound-from-untrusted', severity: 'critical', area: 'dialplan', summary: 'A guest, anonymous or trunk-inbound context reaches an outbound Dial() with a number the caller chooses.' },
  { id: 'dialplan-international-open', severity: 'medium', area: 'dialplan', summary: 'Extensions can dial international or premium numbers without Authenticate().' },
  { id: 'dialplan-disa-reachable', severity: 'critical', area: 'dialplan', summary: 'DISA() is reachable from a guest or trunk context.' },
  { id: 'dialplan-disa-weak', severity: 'high', area: 'dialplan', summary: 'DISA() has no passcode or a guessable one.' },
  { id: 'dialplan-walk-incomplete', severity: 'low', area: 'dialplan', summary: 'The dialplan walk from an entry context hit its step bound; paths beyond it were not followed.' },
  { id: 'dialplan-exten-unfiltered', severity: 'high', area: 'dialplan', summary: '${EXTEN} from an open pattern reaches Dial(), Goto() or similar without FILTER().' },
  { id: 'dialplan-shell-injection', severity: 'critical', area: 'dialplan', summary: 'Caller-supplied values reach System() or SHELL().' },
  { id: 'dialplan-variable-command', severity: 'medium', area: 'dialplan', summary: 'System() or a MixMonitor post-command runs a variable the dialplan never sets (an AMI Originate can set it).' },
  { id: 'ami-bound-all', severity: 'high', area: 'ami-http', summary: 'The AMI listens on every address.' },
  { id: 'ami-user-no-acl', severity: 'high', area: 'ami-http', summary: 'An AMI user may log in from any address.' },
  { id: 'ami-dangerous-rights', severity: 'critical', area: 'ami-http', summary: 'An AMI user reachable beyond localhost has system, command, originate, config or all write rights.' },
  { id: 'ami-over-http', severity: 'medium', area: 'ami-http', summary: 'The AMI is also served over HTTP (webenabled).' },
  { id: 'http-bound-all', severity: 'medium', area: 'ami-http', summary: "Asterisk's HTTP/HTTPS server listens beyond localhost." },
  { id: 'rtp-strict-off', severity: 'medium', area: 'asterisk', summary: 'strictrtp=no: RTP follows any address that sends to a call port.' },
  { id: 'security-log-off', severity: 'medium', area: 'logging', summary: 'logger.conf writes no channel with the security level.' },
  { id: 'live-dangerously', severity: 'high', area: 'asterisk', summary: 'live_dangerously=yes lets AMI/ARI run SHELL() and write FILE().' },
  { id: 'execincludes-on', severity: 'medium', area: 'asterisk', summary: 'execincludes=yes lets config files run programs.' },
  { id: 'config-exec', severity: 'high', area: 'asterisk', summary: 'A config file contains #exec (never run by the audit).' },
  { id: 'config-parse-error', severity: 'low', area: 'asterisk', summary: 'A config file has a line Asterisk would reject (missing include, bad header, cycle) or a part the audit could not read.' },
  { id: 'ssh-root-login', severity: 'high', area: 'ssh', summary: 'sshd permits root login (PermitRootLogin yes).' },
  { id: 'ssh-password-auth', severity: 'medium', area: 'ssh', summary: 'sshd accepts passwords (PasswordAuthentication, or keyboard-interactive through PAM).' },
  { id: 'ssh-empty-passwords', severity: 'critical', area: 'ssh', summary: 'sshd permits empty passwords.' },
  { id: 'ssh-default-port', severity: 'low', area: 'ssh', summary: 'sshd listens on port 22.' },
  { id: 'ssh-no-restriction', severity: 'medium', area: 'ssh', summary: 'sshd has no AllowUsers/AllowGroups and no ListenAddress restriction.' },
  { id: 'host-port-open', severity: 'high', area: 'host', summary: 'A PBX service port listens on all addresses and the firewall does not limit it.' },
  { id: 'host-bound-all', severity: 'low', area: 'host', summary: 'A PBX service listens on all interfaces although the host has several networks.' },
];

export const CHECK_BY_ID: ReadonlyMap<string, CheckInfo> = new Map(CHECKS.map((c) => [c.id, c]));
