/**
 * @module Dialplan checks: paths from untrusted entry points to outbound Dial() and DISA(), caller text reaching
 * Dial()/Goto() unfiltered, and caller-supplied values reaching a shell.
 */
import type { Finding, Severity } from '../finding.js';
import type { Provenance } from '../conf/model.js';
import { findingAt } from '../finding.js';
import type { Account, AccountRole } from '../accounts.js';
import type { Dialplan } from './model.js';
import { walkFrom } from './walk.js';
import type { OutboundHit, DisaHit, VoicemailHit } from './walk.js';
import { classifyNumber } from './classify.js';
import { splitArgs } from './expand.js';
import { judgePin } from '../checks/secret-strength.js';

interface Entry {
  context: string;
  role: AccountRole;
  accounts: Account[];
}

const ROLE_RANK: Record<AccountRole, number> = { guest: 0, trunk: 1, extension: 2 };

/** One entry per context, with the least trusted role of the accounts that start calls there. */
export function entryPoints(all: Account[]): Entry[] {
  const byCtx = new Map<string, Entry>();
  for (const a of all) {
    const e = byCtx.get(a.context);
    if (!e) byCtx.set(a.context, { context: a.context, role: a.role, accounts: [a] });
    else {
      e.accounts.push(a);
      if (ROLE_RANK[a.role] < ROLE_RANK[e.role]) e.role = a.role;
    }
  }
  return [...byCtx.values()];
}

function describe(entry: Entry): string {
  const names = entry.accounts.filter((a) => a.role === entry.role).map((a) => `${a.tech}/${a.name}`);
  const shown = names.slice(0, 3).join(', ') + (names.length > 3 ? ` and ${names.length - 3} more` : '');
  const kind = entry.role === 'guest' ? 'unauthenticated callers' : entry.role === 'trunk' ? 'calls from trunk' : 'extensions';
  return `${kind} ${shown} (context ${entry.context})`;
}

function capitalized(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const CLASS_RANK = { international: 0, premium: 1, other: 2 } as const;

/**
 * Where to point the operator: for an untrusted entry, the last step still inside the entry context (the include or
 * Goto that lets calls out); for extensions, the outbound route (the last pattern extension on the path, where the
 * number is admitted). The Dial() itself is often shared by every route (FreePBX's macro-dialout-trunk).
 */
function fixPoint(entry: Entry, h: OutboundHit): Provenance {
  const steps = h.path;
  const pick = entry.role === 'extension' ? steps.filter((s) => s.inPattern).at(-1) : steps.filter((s) => s.context === entry.context).at(-1);
  return (pick ?? steps[0])?.at ?? h.at;
}

function outboundFindings(entry: Entry, hits: OutboundHit[]): Finding[] {
  const byPlace = new Map<string, { hit: OutboundHit; at: Provenance }>();
  for (const h of hits) {
    if (h.authenticated) continue;
    const cls = classifyNumber(h.number);
    if (entry.role === 'extension' && cls === 'other') continue; // phones calling national numbers is what a PBX is for
    const at = fixPoint(entry, h);
    const key = `${at.file}:${at.line}`;
    const prev = byPlace.get(key);
    if (!prev || CLASS_RANK[cls] < CLASS_RANK[classifyNumber(prev.hit.number)]) byPlace.set(key, { hit: h, at });
  }
  return [...byPlace.values()].map(({ hit: h, at }) => {
    const cls = classifyNumber(h.number);
    const untrusted = entry.role !== 'extension';
    const what = cls === 'other' ? 'numbers the caller chooses' : `${cls === 'international' ? 'international' : 'premium-rate'} numbers`;
    return findingAt(at, {
      id: untrusted ? 'dialplan-outbound-from-untrusted' : 'dialplan-international-open',
      severity: untrusted ? 'critical' : 'medium',
      title: capitalized(untrusted ? `${describe(entry)} can dial out to ${what}` : `${describe(entry)} can dial ${what} without a PIN`),
      evidence: `dialling ${h.probe} reaches Dial(${h.channel}) at ${h.at.file}:${h.at.line}`,
      why: untrusted
        ? 'This is the toll-fraud path: whoever can place a call into this context (anyone, for guests; any caller or spoofer, for a trunk) makes your PBX call premium and international numbers at your cost.'
        : 'A single cracked extension secret is enough to run up international or premium charges overnight; most offices never dial these numbers.',
      fix: untrusted
        ? `Give ${entry.context} only the extensions that route your DIDs (Goto to fixed internal targets); never include the internal or outbound contexts in it, nor pass \${EXTEN} on to them.`
        : 'Block international and premium prefixes in this route (explicit `_00.`/`_011.`/`_900.` → Hangup before it), or require Authenticate() with a PIN for them.',
      path: h.path.map((s) => `${s.at.file}:${s.at.line} ${s.text()}`),
    });
  });
}

function disaFindings(entry: Entry, hits: DisaHit[]): Finding[] {
  if (entry.role === 'extension') return [];
  return hits.map((h) => {
    const open = /^no-password$/i.test(h.password.trim());
    return findingAt(h.at, {
      id: 'dialplan-disa-reachable',
      severity: open && !h.authenticated ? 'critical' : 'high',
      title: `DISA (second dial tone) is reachable by ${describe(entry)}${open ? ' without a password' : ''}`,
      evidence: `DISA(${h.password}${open ? '' : '…'})`,
      why: 'DISA gives an outside caller a dial tone on your trunks; a guessed or missing passcode turns the PBX into a free calling service.',
      fix: 'Remove DISA from contexts reached from outside, or put it behind Authenticate() with a long PIN and a context that only reaches national numbers.',
      path: h.path.map((s) => `${s.at.file}:${s.at.line} ${s.text()}`),
    });
  });
}

/** Reachability findings for every entry point. */
export interface Reachability {
  findings: Finding[];
  /** a path by which callers from outside reach VoiceMailMain(), when there is one */
  remoteVoicemail?: VoicemailHit;
}

export function reachabilityFindings(plan: Dialplan, all: Account[], trunks: ReadonlySet<string>): Reachability {
  const out: Finding[] = [];
  let remoteVoicemail: VoicemailHit | undefined;
  for (const entry of entryPoints(all)) {
    if (!plan.contexts.has(entry.context)) continue;
    const stats = { steps: 0, truncated: false };
    const hits = walkFrom(plan, entry.context, { trunks, stats });
    if (stats.truncated) {
      const ctx = plan.contexts.get(entry.context)!;
      out.push(
        findingAt(ctx.at, {
          id: 'dialplan-walk-incomplete',
          severity: 'low',
          title: `The dialplan walk from ${entry.context} stopped after ${stats.steps} steps`,
          evidence: `${stats.steps} priorities executed from ${describe(entry)}`,
          why: 'The audit bounds its work; paths beyond the bound were not followed, so a way out may be missing from this report.',
          fix: 'Split very large generated contexts, or audit with a larger bound; review the paths from this context by hand.',
        }),
      );
    }
    out.push(...outboundFindings(entry, hits.filter((h): h is OutboundHit => h.kind === 'outbound')));
    out.push(...disaFindings(entry, hits.filter((h): h is DisaHit => h.kind === 'disa')));
    if (entry.role !== 'extension') remoteVoicemail ??= hits.find((h): h is VoicemailHit => h.kind === 'voicemail');
  }
  return remoteVoicemail ? { findings: out, remoteVoicemail } : { findings: out };
}

/** Applications where text from the dialled string changes what happens: `&` adds a channel, `,` adds arguments. */
const INJECTABLE: Record<string, Severity> = { dial: 'high', queue: 'high', page: 'high', chanspy: 'high', originate: 'high', goto: 'medium', gotoif: 'medium', gosub: 'medium', gosubif: 'medium', macro: 'medium', transfer: 'medium' };

/** Removes FILTER(…) calls so that what remains is text reaching the application unfiltered. */
function withoutFilter(args: string): string {
  let out = args;
  for (;;) {
    const i = out.search(/\$\{FILTER\(/i);
    if (i < 0) return out;
    let depth = 0;
    let end = i + 1;
    for (; end < out.length; end++) {
      if (out[end] === '{') depth++;
      else if (out[end] === '}' && --depth === 0) break;
    }
    out = out.slice(0, i) + out.slice(end + 1);
  }
}

/** Values a caller or a remote party controls (README-SERIOUSLY, Filtering Data). */
const CALLER_VALUES = /\$\{(EXTEN|CALLERID\(|CALLERIDNUM|CALLERIDNAME|CONNECTEDLINE\(|REDIRECTING\(|RDNIS|DNID|PJSIP_HEADER\(|SIP_HEADER\(|SIPURI|SIPDOMAIN|ARG\d|MACRO_EXTEN|SIPCALLID|PJSIP_PARSE_URI)/i;

/** When an application's command is nothing but one variable (`System(${CMD})`, MixMonitor's post-command `${CMD}`), its name. */
function commandVariable(app: string, args: string): string | undefined {
  const parts = splitArgs(args);
  const cmd = app === 'system' || app === 'trysystem' ? parts[0] : app === 'mixmonitor' ? parts[2] : undefined;
  return /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(cmd?.trim() ?? '')?.[1];
}

/** Every variable the dialplan itself gives a value: [globals], Set/MSet, Read/ReadExten. */
function assignedVariables(plan: Dialplan): Set<string> {
  const out = new Set(plan.globals.keys());
  for (const ctx of plan.contexts.values()) {
    for (const ext of ctx.extensions) {
      for (const p of ext.priorities) {
        const app = p.app.toLowerCase();
        const assigns = app === 'set' ? [p.args] : app === 'mset' || app === 'multiset' ? splitArgs(p.args) : [];
        for (const a of assigns) {
          const eq = a.indexOf('=');
          if (eq > 0) out.add(a.slice(0, eq).trim().replace(/^_{1,2}/, ''));
        }
        if (app === 'read' || app === 'readexten') out.add(splitArgs(p.args)[0] ?? '');
      }
    }
  }
  return out;
}

export function staticDialplanFindings(plan: Dialplan): Finding[] {
  const out: Finding[] = [];
  const assigned = assignedVariables(plan);
  for (const ctx of plan.contexts.values()) {
    for (const ext of ctx.extensions) {
      for (const p of ext.priorities) {
        const app = p.app.toLowerCase();
        const sev = INJECTABLE[app];
        if (sev && ext.pattern.open && /\$\{EXTEN(\}|:)/i.test(withoutFilter(p.args))) {
          out.push(
            findingAt(p.at, {
              id: 'dialplan-exten-unfiltered',
              severity: sev,
              title: `\${EXTEN} from the open pattern ${ext.pattern.text} reaches ${p.app}() unfiltered`,
              evidence: `[${ctx.name}] ${ext.pattern.text}: ${p.app}(${p.args})`,
              why: `A pattern ending in . or ! accepts any characters after its prefix: dialling "1234&DAHDI/g1/0044…" or "1,other-context" rewrites the ${p.app}() arguments (README-SERIOUSLY, Filtering Data).`,
              fix: 'Use `${FILTER(0-9,${EXTEN})}` (or Set(SAFE_EXTEN=${FILTER(0-9,${EXTEN})}) and check it), or replace . with a fixed-length pattern.',
            }),
          );
        }
        const shell = app === 'system' || app === 'trysystem' || /\$\{SHELL\(/i.test(p.args);
        if (shell && CALLER_VALUES.test(withoutFilter(p.args))) {
          out.push(
            findingAt(p.at, {
              id: 'dialplan-shell-injection',
              severity: 'critical',
              title: 'Caller-supplied text reaches a shell',
              evidence: `[${ctx.name}] ${ext.pattern.text}: ${p.app}(${p.args})`,
              why: 'Caller ID, the dialled string and SIP headers are chosen by the caller; in System() or SHELL() a `;` or `$(…)` in them runs commands as the Asterisk user.',
              fix: 'Pass only FILTER()ed values (e.g. `${FILTER(0-9,${CALLERID(num)})}`), or move the work to an AGI script that takes arguments without a shell.',
            }),
          );
        }
        const command = commandVariable(app, p.args);
        if (command !== undefined && !assigned.has(command)) {
          out.push(
            findingAt(p.at, {
              id: 'dialplan-variable-command',
              severity: 'medium',
              title: `The command run by ${p.app}() is the variable \${${command}}, which the dialplan never sets`,
              evidence: `[${ctx.name}] ${ext.pattern.text}: ${p.app}(${p.args})`,
              why: 'README-SERIOUSLY, Manager Class Authorizations: an AMI Originate may set channel variables, so whoever has originate rights chooses the command this runs.',
              fix: `Set ${command} in the dialplan right before use (or use a fixed command), and treat AMI originate rights like system rights.`,
            }),
          );
        }
        if (app === 'disa') {
          const pass = (p.args.split(',')[0] ?? '').trim();
          const weak = /^no-password$/i.test(pass) ? 'there is no password' : /^\d+$/.test(pass) ? judgePin(pass, '')?.reason : undefined;
          if (weak) {
            out.push(
              findingAt(p.at, {
                id: 'dialplan-disa-weak',
                severity: 'high',
                title: `DISA passcode is weak: ${weak}`,
                evidence: `[${ctx.name}] ${ext.pattern.text}: DISA(${/^\d+$/.test(pass) ? '*'.repeat(pass.length) : pass}…)`,
                why: 'DISA passcodes are brute-forced by autodialers; behind them is a dial tone on your trunks.',
                fix: 'Use a passcode of 8 or more random digits, or a passcode file with one per user, and limit the DISA context to national numbers.',
              }),
            );
          }
        }
      }
    }
  }
  return out;
}
