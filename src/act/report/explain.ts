/** @module `--explain`: for each line, which rule took it and what it made of it, or why no rule did. */
import type { ParsedLine } from '../../parse/line-parser.js';
import type { RulePack } from '../../parse/matcher.js';
import { MAX_MULTI_ANY_INPUT } from '../../parse/rules/compile.js';
import { safeText } from './safe-text.js';

export function explainLine(p: ParsedLine, where: string, pack: RulePack): string {
  const r = p.result;
  const env = p.env;
  const origin = env.family === 'asterisk' ? `asterisk ${safeText(env.file ?? '?', 40)}` : env.program !== undefined ? `${env.family} ${safeText(env.program, 40)}` : env.family;
  switch (r.status) {
    case 'event': {
      const e = r.event;
      // an IPv6 address with a port is bracketed, as in a URL: `2001:db8::9:5070` would read as one address
      const host = e.port === undefined ? e.ip : e.ip!.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
      const extra = [
        e.account !== undefined ? `account ${safeText(e.account, 40)}` : '',
        e.extension !== undefined ? `extension ${safeText(e.extension, 40)}` : '',
        e.scanner !== undefined ? `scanner ${e.scanner}` : '',
        p.repeats > 1 ? `${p.repeats} attempts: rsyslog's repeats` : '',
        // reported, and never counted towards a ban: the reader must not take it for an attempt
        e.undated === true ? 'no time pbxguard reads: not counted' : '',
        e.forgeable === true ? 'may be forged (see the warning): not counted' : '',
      ]
        .filter(Boolean)
        .join(', ');
      return `${where}  ${r.rule.id} → ${e.service} ${e.kind} ${host}${extra ? ` (${extra})` : ''}\n`;
    }
    case 'ambiguous':
      return `${where}  ${r.rule.id} → AMBIGUOUS: the line reads as ${r.candidates[0]} and as ${safeText(r.candidates[1], 45)}; no address taken\n`;
    case 'bad-address':
      return `${where}  ${r.rule.id} matched, but "${safeText(r.address, 60)}" is not an IP address (names are never resolved); no event\n`;
    case 'no-match': {
      const tried = pack.triedFor(env);
      return tried.length > 0
        ? `${where}  no rule took it (${origin}); patterns tried: ${tried.join(', ')}\n`
        : `${where}  no rule took it (${origin}); no rule's prefilter text occurs in the message\n`;
    }
    case 'counted-before':
      return `${where}  ${r.rule.id} → ends a connection of ${safeText(env.program ?? 'its process', 40)}[${env.pid ?? '?'}] whose earlier lines were counted; not counted again\n`;
    case 'no-session':
      return `${where}  ${r.rule.id} matched, but no earlier line of this ${safeText(env.program ?? 'process', 40)} process named an address; no event\n`;
    case 'too-long':
      return env.msg.length > MAX_MULTI_ANY_INPUT
        ? `${where}  ${r.rule.id} not tried: the message is ${env.msg.length} chars, longer than any its program writes in that format (${MAX_MULTI_ANY_INPUT / 1024} KiB)\n`
        : `${where}  ${r.rule.id} not tried: the message is ${env.msg.length} chars and repeats text its format writes after attacker text (decoys that make the pattern slow)\n`;
    case 'no-rules':
      return env.family === 'unknown'
        ? `${where}  not a log format pbxguard reads\n`
        : `${where}  no rules for ${origin}\n`;
  }
}
