/** @module Reads a Dial() channel: technology, peer and number, whether it leaves the PBX, and whether the caller chose the number. */
import { UNKNOWN } from './expand.js';

const PSTN_TECHS = new Set(['dahdi', 'zap', 'misdn', 'ooh323', 'h323', 'gsm', 'chan_mobile', 'mobile']);

function digitsOf(s: string): string {
  return s.replace(/[^0-9]/g, '');
}

/** True when the dialled number carries what the caller dialled (allowing a stripped or added prefix), so the caller chose the destination. */
export function callerChosen(number: string, probe: string): boolean {
  const n = digitsOf(number);
  const p = digitsOf(probe);
  for (let k = 0; k <= 4 && p.length - k >= 6; k++) if (n.includes(p.slice(k))) return true;
  return false;
}

/** Splits one Dial() channel into technology, resource and the number sent to the far end. */
export function parseChannel(channel: string): { tech: string; peer: string; number: string } | undefined {
  const slash = channel.indexOf('/');
  if (slash < 0) return undefined;
  const tech = channel.slice(0, slash).trim();
  const rest = channel.slice(slash + 1).trim();
  const lowerTech = tech.toLowerCase();
  if (lowerTech === 'iax2') {
    // [user[:secret]@]peer[:port]/number[@context]
    const [hostPart = '', numberPart = ''] = rest.split('/');
    return { tech: 'IAX2', peer: (hostPart.split('@').at(-1) ?? '').split(':')[0]!, number: numberPart.split('@')[0]! };
  }
  if (PSTN_TECHS.has(lowerTech)) return { tech: tech.toUpperCase(), peer: rest.split('/')[0]!, number: rest.split('/').at(-1)! };
  const at = rest.indexOf('@');
  const sl = rest.indexOf('/');
  if (sl >= 0 && (at < 0 || sl < at)) {
    // PJSIP/endpoint/sip:number@host, SIP/peer/number
    const after = rest.slice(sl + 1).replace(/^sips?:/i, '');
    return { tech: tech.toUpperCase(), peer: rest.slice(0, sl), number: after.split('@')[0]! };
  }
  if (at >= 0) return { tech: tech.toUpperCase(), peer: rest.slice(at + 1).split('/')[0]!, number: rest.slice(0, at) };
  return { tech: tech.toUpperCase(), peer: rest, number: '' };
}

/** True when the channel leaves the PBX towards a provider, the PSTN or a host named in the channel itself. */
export function isOutbound(ch: { tech: string; peer: string }, trunks: ReadonlySet<string>): boolean {
  if (PSTN_TECHS.has(ch.tech.toLowerCase())) return true;
  if (ch.tech.includes(UNKNOWN) || ch.peer.includes(UNKNOWN)) return true; // a trunk chosen at run time: assume the worst
  if (trunks.has(`${ch.tech}:${ch.peer}`)) return true;
  // SIP/number@203.0.113.9 or PJSIP/…@sip.provider.example: dialled straight to a remote host
  return (ch.tech === 'SIP' || ch.tech === 'PJSIP' || ch.tech === 'IAX2') && /\.|:/.test(ch.peer);
}
