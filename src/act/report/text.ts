/** @module The replay summary a PBX admin reads at a glance; colour only when printing to a terminal. */
import { ATTACK_KINDS, type Decision } from '../../core/events.js';
import { BanPolicy, isLoopback } from '../../decide/ban-policy.js';
import { accountsOf, RunSummary, servicesOf } from '../../pipeline/summary.js';
import { painter, type Paint } from './paint.js';
import { safeText } from './safe-text.js';

// made on first use: creating it costs ~8 ms of start-up (ICU), which jsonl runs never need
let int: Intl.NumberFormat | undefined;
const thousands = (n: number): string => (int ??= new Intl.NumberFormat('en-US')).format(n);

function localTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** `1 line`, `2 lines`, with thousands separators. */
function count(n: number, one: string, many = `${one}s`): string {
  return `${thousands(n)} ${n === 1 ? one : many}`;
}

/** A table that reached its memory bound holds a lower bound of the distinct values seen. */
const atLeast = (capped: boolean): string => (capped ? 'at least ' : '');

function mb(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1e3).toFixed(1)} kB`;
}

export function renderText(s: RunSummary, colour: boolean): string {
  const c = painter(colour);
  const out: string[] = [];
  const bytes = s.files.reduce((n, f) => n + f.bytes, 0);
  const secs = s.elapsedMs / 1000;
  // a rate over a fraction of a second measures start-up, not throughput
  const rate = secs >= 0.5 ? ` (${thousands(Math.round(s.lines / secs))} lines/s)` : '';
  out.push(
    c('bold', 'pbxguard replay') +
      `: ${count(s.files.length, 'file')}, ${count(s.lines, 'line')}, ${mb(bytes)} in ${secs.toFixed(2)} s${rate}`,
  );
  if (s.attackEvents === 0 && s.ambiguous > 0) {
    // attack lines whose address could not be trusted are no all-clear
    out.push('', c('yellow', `No attack found from an address pbxguard could be sure of, but ${count(s.ambiguous, 'line')} in attack formats named two addresses (below).`));
  } else if (s.attackEvents === 0) {
    out.push('', c('green', 'No attacks found.'));
  } else {
    out.push(
      '',
      `${c('bold', count(s.attackAttempts, 'attack attempt'))} from ${c('bold', atLeast(s.addressesCapped) + count(s.addresses.size, 'address', 'addresses'))}, ${localTime(s.firstAt)} to ${localTime(s.lastAt)} (${Intl.DateTimeFormat().resolvedOptions().timeZone})`,
    );
  }
  const notes: string[] = [];
  // the counts below are attempts too: Asterisk writes most of them to two logs, web servers some
  if (s.attackEvents !== s.attackAttempts) notes.push(`${count(s.attackEvents, 'line')}: an attempt in two logs (messages and security, error and access) counts once`);
  if (s.otherEvents > 0) notes.push(`${count(s.otherEvents, 'other security event')} (logins, challenges, connections, known endpoints' refused calls)`);
  if (s.ambiguous > 0) notes.push(`${count(s.ambiguous, 'ambiguous line')} naming two addresses, never used for a ban`);
  if (s.forgeable > 0) notes.push(`${count(s.forgeable, 'event')} of lines that may be forged, not counted (see the warning)`);
  const oversized = s.files.reduce((n, f) => n + f.oversized, 0);
  if (oversized > 0) notes.push(`${count(oversized, 'line')} over 64 KiB skipped`);
  if (s.allowlisted.size > 0) notes.push(`${count(s.allowlisted.size, 'allowlisted or loopback address', 'allowlisted or loopback addresses')} would have been banned: ${[...s.allowlisted].slice(0, 5).join(', ')}`);
  if (s.dropped > 0) notes.push(`${count(s.dropped, 'attack line')} with an address, account or number past the report's memory bound: counted, not itemised`);
  notes.push(...s.notes.map((n) => safeText(n, 4096)));
  for (const n of notes) out.push(c('dim', `  (${n})`));
  for (const w of s.warnings) out.push(c('yellow', `  warning: ${safeText(w, 4096)}`));

  // attempts first: a phone's routine challenges must not head the table above the attacks
  const kinds = s.serviceKindCounts();
  const attempts = kinds.filter((k) => ATTACK_KINDS.has(k.kind));
  const others = kinds.filter((k) => !ATTACK_KINDS.has(k.kind));
  const row = (k: (typeof kinds)[number]) => `  ${k.service.padEnd(9)}${k.kind.padEnd(19)}${thousands(k.count).padStart(10)}`;
  if (attempts.length > 0) {
    out.push('', c('bold', 'Attack attempts by service and kind'));
    for (const k of attempts) out.push(row(k));
  }
  if (others.length > 0) {
    out.push('', c('bold', 'Other events') + c('dim', ' (not counted towards bans)'));
    for (const k of others) out.push(row(k));
  }

  const top = RunSummary.top(s.addressCounts(), 10);
  if (top.length > 0) {
    out.push('', c('bold', 'Top attacking addresses'));
    for (const [ip, n] of top) {
      const a = s.addresses.get(ip)!;
      // the list keeps the first few accounts: say when there were more
      const acc =
        accountsOf(a)
          .map((x) => safeText(x, 24))
          .join(', ') + (a.moreAccounts ? ', …' : '');
      // the host's own clients (FOP2, FreePBX's AMI user) fail now and then: never an attacker to ban
      const own = isLoopback(ip) ? c('dim', '  (loopback: never banned)') : '';
      out.push(`  ${ip.padEnd(40)}${thousands(n).padStart(9)}  ${servicesOf(a).join(',').padEnd(12)}${acc ? ` accounts: ${acc}` : ''}${a.loggedIn ? c('dim', '  (also logged in)') : ''}${own}`);
    }
  }

  const ambiguous = s.topAmbiguous(5);
  if (ambiguous.length > 0) {
    out.push('', c('bold', 'Ambiguous lines') + c('dim', ' (two readings name different addresses: one is likely the sender, the other forged in its text)'));
    for (const { readings, lines } of ambiguous) out.push(`  ${`${safeText(readings[0], 40)} or ${safeText(readings[1], 60)}`.padEnd(60)}${thousands(lines).padStart(9)}`);
    // a reading most of them share: the other reading varies when the attacker forges a new one each time
    const [shared] = RunSummary.top(s.ambiguousByReading, 1);
    if (shared !== undefined && shared[1] > 1 && shared[1] > ambiguous[0]!.lines) {
      out.push(c('dim', `  (${safeText(shared[0], 45)} is one of the two readings of ${thousands(shared[1])} ambiguous lines)`));
    }
  }

  const accounts = RunSummary.top(s.accountCounts(), 10);
  if (accounts.length > 0) {
    const most = s.accounts.size > accounts.length ? `, the ${accounts.length} most tried` : '';
    out.push('', c('bold', 'Accounts targeted') + c('dim', ` (${atLeast(s.accountsCapped)}${thousands(s.accounts.size)} distinct${most})`));
    for (const [a, n] of accounts) out.push(`  ${safeText(a, 38).padEnd(40)}${thousands(n).padStart(9)}`);
  }

  // refused calls: where toll-fraud probes tried to call (premium and international numbers)
  const extensions = RunSummary.top(s.extensions, 10);
  if (extensions.length > 0) {
    const most = s.extensions.size > extensions.length ? `, the ${extensions.length} most called` : '';
    out.push('', c('bold', 'Extensions called') + c('dim', ` (refused calls to ${atLeast(s.extensionsCapped)}${count(s.extensions.size, 'distinct number')}${most})`));
    for (const [x, n] of extensions) out.push(`  ${safeText(x, 38).padEnd(40)}${thousands(n).padStart(9)}`);
  }

  // in time order: files of one PBX (its messages and security logs) are read one after the other
  const bans = s.decisions.filter((d) => d.action === 'ban').sort((a, b) => a.at - b.at);
  const alerts = s.decisions.filter((d) => d.action === 'alert');
  if (alerts.length > 0) {
    out.push('', c(['bold', 'red'], `Alerts (${alerts.length})`));
    for (const d of alerts) out.push(`  ${localTime(d.at)}  ${c('red', d.target)}  ${safeText(d.reason, 200)}`);
    out.push(
      c('dim', '  What to do: change the secret of each account named and look at what it did once logged in (calls in the CDR to'),
      c('dim', '  premium or international numbers; for ssh, its sessions, new users and authorized_keys); `pbxguard audit` finds the'),
      c('dim', '  weak settings such attacks use.'),
    );
  }
  out.push('', c('bold', `Bans it would issue (${thousands(s.bansTotal)})`));
  if (s.bansTotal === 0) out.push('  none');
  const shown = bans.slice(0, 50);
  for (const d of shown) out.push(formatBan(d, c));
  if (s.bansTotal > shown.length) out.push(c('dim', `  … ${thousands(s.bansTotal - shown.length)} more (use --format jsonl for all)`));
  return out.join('\n') + '\n';
}

function formatBan(d: Decision, c: Paint): string {
  const acc = d.accounts.length > 0 ? `; accounts ${d.accounts.slice(0, 5).map((a) => safeText(a, 20)).join(', ')}${d.accounts.length > 5 ? ', …' : ''}` : '';
  return `  ${localTime(d.at)}  ${c('yellow', d.target.padEnd(39))} ${BanPolicy.describeLength(d).padEnd(10)}${d.detector.padEnd(12)}${safeText(d.reason, 160)}${acc}`;
}
