/** @module The event types every stage of the pipeline shares: what was seen, and what was decided. */

export const SERVICES = ['sip', 'pjsip', 'iax2', 'ami', 'asterisk', 'ssh', 'http'] as const;
export type Service = (typeof SERVICES)[number];

/** The kinds that are attempts an attacker makes (the first seven below). */
const ATTACK_KIND_LIST = ['auth_failure', 'unknown_account', 'unknown_extension', 'acl_denied', 'scan', 'flood', 'malformed'] as const;

/**
 * What a log line (or packet) says happened.
 * - `auth_failure`: a known account gave a wrong secret.
 * - `unknown_account`: an account that does not exist was tried (enumeration).
 * - `unknown_extension`: an anonymous (guest) call refused, to an extension that does not exist or
 *   because anonymous calls are not taken (toll-fraud probing).
 * - `acl_denied`: refused by an address rule (permit/deny, ACL, transport).
 * - `scan`: a scanner fingerprint or an unsolicited probe.
 * - `flood`: a session, memory or load limit was hit.
 * - `malformed`: a request the server could not parse or does not support.
 * - `auth_success`: a successful login; teaches which addresses are real clients.
 * - `challenge`: an authentication challenge was sent; normal traffic, never counted.
 * - `connect`: a client connected (sshd `Connection from`), or named the account it will try (sshd
 *   `Invalid user`, whose attempts are counted from their own lines); names the address of a
 *   session whose later lines may carry none; never counted.
 * - `refused_call`: a call to an extension that does not exist from a PJSIP endpoint other than
 *   `anonymous` or a chan_sip peer (a phone that authenticated, a trunk matched by its address): a misdial, a broken
 *   outbound route, a trunk's call to a dead number, or a cracked phone probing for routes;
 *   recorded with its extension (the report lists the numbers), never counted (the trunk provider
 *   must not be banned for calls to an old DID).
 * - `ambiguous`: the line could name two addresses; recorded, never used for a ban.
 */
export const EVENT_KINDS = [...ATTACK_KIND_LIST, 'auth_success', 'challenge', 'connect', 'refused_call', 'ambiguous'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** Kinds that count towards a ban: each is an attempt an attacker makes. */
export const ATTACK_KINDS: ReadonlySet<EventKind> = new Set<EventKind>(ATTACK_KIND_LIST);

/**
 * Which attempts the two logs of a pair may both report, as a small number per attack kind. A
 * failed login is written by Asterisk to its messages log and to its security log, not always as
 * the same kind (manager.c's `failed to authenticate as` is InvalidAccountID or FailedACL there), so
 * the three login kinds are one class; a call to a missing extension, a scan, a flood and a
 * malformed request are each a class of their own. Counts take the larger source within a class
 * and add the classes up: a toll-fraud run of refused calls (in the messages log only) and INVITEs
 * with guessed passwords (in the security log only, for chan_sip) is both.
 */
const CLASS_OF_ATTACK: Record<(typeof ATTACK_KIND_LIST)[number], number> = {
  auth_failure: 0,
  unknown_account: 0,
  acl_denied: 0,
  unknown_extension: 1,
  scan: 2,
  flood: 3,
  malformed: 4,
};
export const ATTEMPT_CLASSES = 5;
export const ATTEMPT_CLASS: ReadonlyMap<EventKind, number> = new Map<EventKind, number>(Object.entries(CLASS_OF_ATTACK) as Array<[EventKind, number]>);

/**
 * Which stream told us. Asterisk reports one failed attempt both in its messages log and in its
 * security log, and a web server a wrong password both in its error log (`log`) and as a 401 in
 * its access log, so detectors count per source and take the larger count within a class of
 * attempt (ATTEMPT_CLASS), never the sum.
 */
export type EventSource = 'log' | 'security-log' | 'access-log' | 'ami' | 'pcap';

/**
 * One normalised observation. `ip` is always a validated, canonical address
 * (IPv4-mapped IPv6 unmapped, no zone) except for `ambiguous` events, which have none.
 * Free-text fields (`account`, `extension`, `userAgent`) are attacker-controlled and bounded in length.
 */
export interface SecurityEvent {
  /** ms since epoch, from the log line's own timestamp (or the reading time if it has none) */
  at: number;
  source: EventSource;
  service: Service;
  kind: EventKind;
  ip?: string;
  port?: number;
  account?: string;
  /** the extension (number) a refused call was made to: where a toll-fraud probe tried to call */
  extension?: string;
  userAgent?: string;
  /** id of the scanner fingerprint that matched, if any */
  scanner?: string;
  /** an `ambiguous` event's two readings of the line (addresses, or the text that was not one); neither is used */
  readings?: [string, string];
  ruleId: string;
  /** where the event was read: file (or source name) and 1-based line number */
  file?: string;
  line?: number;
  /**
   * The line has no timestamp pbxguard reads: `at` is the file's modification time (a pipe's: the
   * time of the run), shared by every such line, so a trickle would look like a burst. Reported, never
   * counted towards a ban.
   */
  undated?: boolean;
  /**
   * The line is in a form a client's text can forge (FreePBX 14's freepbx_security.log, where a
   * user name with line breaks writes lines of its own): its address may be anyone's. Reported,
   * never counted towards a ban.
   */
  forgeable?: boolean;
}

export type DecisionAction = 'ban' | 'alert';
export type DecisionOrigin = 'local' | 'fleet' | 'blocklist' | 'operator';

/** A verdict on an address, with the reason a person can read and check. */
export interface Decision {
  action: DecisionAction;
  /** an address or CIDR */
  target: string;
  at: number;
  /** ms since epoch; absent when permanent or for alerts */
  until?: number;
  permanent?: boolean;
  detector: string;
  reason: string;
  service: Service;
  origin: DecisionOrigin;
  /** number of events behind the decision and the accounts they named */
  events: number;
  accounts: string[];
}
