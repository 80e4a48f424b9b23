/**
 * @module Follows calls through the dialplan from an entry context with probe numbers an attacker would dial,
 * and records every outbound Dial() to a trunk and every DISA() that a probe reaches, with the path taken.
 */
import type { Provenance } from '../conf/model.js';
import type { Context, Dialplan, Extension, Priority } from './model.js';
import { splitApp } from './model.js';
import { matches } from './pattern.js';
import { ATTACK_NUMBERS, probesFor } from './probes.js';
import { callerChosen, isOutbound, parseChannel } from './channel.js';
import { UNKNOWN, expand, splitArgs } from './expand.js';

/** One step of a path; the text is built only when a finding shows it (most steps never are). */
export interface Step {
  at: Provenance;
  text: () => string;
  /** the context the step is written in */
  context: string;
  /** true for a priority of a pattern extension (`_X.`), which is where dialling rules are decided */
  inPattern: boolean;
}

export interface OutboundHit {
  kind: 'outbound';
  /** the Dial() */
  at: Provenance;
  /** the channel after substitution, e.g. `PJSIP/011442079460123@provider` */
  channel: string;
  number: string;
  probe: string;
  path: Step[];
  authenticated: boolean;
}

export interface DisaHit {
  kind: 'disa';
  at: Provenance;
  password: string;
  path: Step[];
  authenticated: boolean;
}

/** VoiceMailMain(): a caller who knows or guesses a PIN gets into a mailbox (and its callback and forwarding settings). */
export interface VoicemailHit {
  kind: 'voicemail';
  at: Provenance;
  path: Step[];
  authenticated: boolean;
}

export type WalkHit = OutboundHit | DisaHit | VoicemailHit;

export interface WalkOptions {
  /** `TECH:name` of every trunk */
  trunks: ReadonlySet<string>;
  /** bound on priorities executed from one entry context */
  maxSteps?: number;
  /** filled in by the walk: priorities executed, and whether the bound cut it short */
  stats?: { steps: number; truncated: boolean };
}

interface Frame {
  ctx: Context;
  exten: string;
  ext: Extension;
  index: number;
  vars: Map<string, string>;
  path: Step[];
  authenticated: boolean;
  probe: string;
}

const TERMINAL = new Set(['hangup', 'return', 'macroexit', 'congestion', 'busy', 'stackpop']);

/** The contexts searched for a dialled string: the context, then its includes depth first, as Asterisk does. `via` lists the includes taken. */
function findExtension(plan: Dialplan, ctxName: string, exten: string, seen = new Set<string>()): { ctx: Context; ext: Extension; via: Step[] } | undefined {
  const ctx = plan.contexts.get(ctxName);
  if (!ctx || seen.has(ctxName)) return undefined;
  seen.add(ctxName);
  const literal = ctx.literals.get(exten);
  if (literal) return { ctx, ext: literal, via: [] };
  for (const ext of ctx.patterns) if (matches(ext.pattern, exten)) return { ctx, ext, via: [] };
  for (const inc of ctx.includes) {
    const found = findExtension(plan, inc.name, exten, seen);
    if (found) return { ...found, via: [{ at: inc.at, text: () => `[${ctxName}] include => ${inc.name}`, context: ctxName, inPattern: false }, ...found.via] };
  }
  return undefined;
}

function stepText(frame: Frame, p: Priority): string {
  return `[${frame.ctx.name}] ${frame.ext.pattern.text},${p.number}${p.label ? `(${p.label})` : ''}: ${p.app}(${p.args})`;
}

/**
 * Walks every probe from `entry`. Also walks from contexts where the caller gets to dial again
 * (WaitExten/Background in an IVR, DISA's dial tone), attributing those hits to the same entry.
 */
export function walkFrom(plan: Dialplan, entry: string, opts: WalkOptions): WalkHit[] {
  const hits: WalkHit[] = [];
  const maxSteps = opts.maxSteps ?? 2_000_000;
  let steps = 0;
  const dialIns: { ctx: string; path: Step[]; authenticated: boolean }[] = [{ ctx: entry, path: [], authenticated: false }];
  const dialInSeen = new Set<string>([entry]);
  const hitSeen = new Set<string>();

  const record = (hit: WalkHit): void => {
    const key = `${hit.kind}|${hit.at.file}|${hit.at.line}|${hit.authenticated}|${hit.kind === 'outbound' ? hit.probe : ''}`;
    if (hitSeen.has(key)) return;
    hitSeen.add(key);
    hits.push(hit);
  };

  for (let d = 0; d < dialIns.length && steps < maxSteps; d++) {
    const dialIn = dialIns[d]!;
    for (const probe of probesFor(plan, dialIn.ctx, d === 0 ? 'entry' : 'reentry')) {
      const start = findExtension(plan, dialIn.ctx, probe);
      if (!start) continue;
      const stack: Frame[] = [{ ctx: start.ctx, ext: start.ext, exten: probe, index: 0, vars: new Map(), path: [...dialIn.path, ...start.via], authenticated: dialIn.authenticated, probe }];
      const visited = new Set<string>();
      while (stack.length > 0 && steps < maxSteps) {
        const f = stack.pop()!;
        const p = f.ext.priorities[f.index];
        if (!p) continue;
        const key = `${f.ctx.name}\u0000${f.ext.pattern.text}\u0000${f.index}\u0000${f.exten}`;
        if (visited.has(key)) continue;
        visited.add(key);
        steps++;
        const path = [...f.path, { at: p.at, text: () => stepText(f, p), context: f.ctx.name, inPattern: f.ext.pattern.isPattern }];
        const env = { exten: f.exten, context: f.ctx.name, vars: f.vars, globals: plan.globals };
        const data = expand(p.args, env);
        const app = p.app.toLowerCase();
        const next = (): void => {
          stack.push({ ...f, index: f.index + 1, path });
        };
        const jump = (target: string, extra?: Map<string, string>, auth = f.authenticated): void => {
          const parts = splitArgs(target);
          const pri = parts.at(-1) ?? '';
          const exten = parts.length >= 2 ? parts.at(-2)! : f.exten;
          const ctxName = parts.length >= 3 ? parts.at(-3)! : f.ctx.name;
          if (ctxName.includes(UNKNOWN) || exten.includes(UNKNOWN)) return; // decided at run time: not followed
          const found = findExtension(plan, ctxName, exten);
          if (!found) return;
          const idx = /^\d+$/.test(pri) ? found.ext.priorities.findIndex((x) => x.number === Number(pri)) : found.ext.priorities.findIndex((x) => x.label === pri);
          if (idx < 0) return;
          stack.push({ ctx: found.ctx, ext: found.ext, exten, index: idx, vars: extra ?? f.vars, path: [...path, ...found.via], authenticated: auth, probe: f.probe });
        };
        const withArgs = (args: string[]): Map<string, string> => {
          const vars = new Map(f.vars);
          args.forEach((a, i) => vars.set(`ARG${i + 1}`, a));
          vars.set('MACRO_EXTEN', f.exten);
          vars.set('MACRO_CONTEXT', f.ctx.name);
          return vars;
        };
        const branches = (cond: string): string[] => {
          const q = cond.indexOf('?');
          if (q < 0) return [];
          const labels = cond.slice(q + 1);
          const colon = splitArgs(labels, ':');
          return colon.slice(0, 2);
        };
        const exec = (app: string, data: string): void => {
          switch (app) {
            case 'goto':
              jump(data);
              break;
            case 'gotoif':
            case 'gotoiftime': {
              const [t = '', e = ''] = branches(data);
              if (t !== '') jump(t);
              if (e !== '') jump(e);
              if (t === '' || e === '') next();
              break;
            }
            case 'gosub':
            case 'gosubif': {
              const targets = app === 'gosub' ? [data] : branches(data);
              for (const t of targets) {
                const m = /^(.*?)(?:\((.*)\))?$/s.exec(t);
                if (m?.[1]) jump(m[1], withArgs(m[2] !== undefined ? splitArgs(m[2]) : []));
              }
              next();
              break;
            }
            case 'macro': {
              const [name = '', ...args] = splitArgs(data);
              if (!name.includes(UNKNOWN)) jump(`macro-${name},s,1`, withArgs(args));
              next();
              break;
            }
            case 'set':
            case 'multiset': {
              const vars = new Map(f.vars);
              for (const assign of app === 'set' ? [data] : splitArgs(data)) {
                const eq = assign.indexOf('=');
                if (eq > 0) vars.set(assign.slice(0, eq).replace(/^__?/, '').trim(), assign.slice(eq + 1));
              }
              stack.push({ ...f, vars, index: f.index + 1, path });
              break;
            }
            case 'authenticate':
            case 'vmauthenticate':
              stack.push({ ...f, index: f.index + 1, path, authenticated: true });
              break;
            case 'voicemailmain':
              record({ kind: 'voicemail', at: p.at, path, authenticated: f.authenticated });
              next();
              break;
            case 'disa': {
              const [password = '', ctx = 'disa'] = splitArgs(data);
              record({ kind: 'disa', at: p.at, password, path, authenticated: f.authenticated });
              const target = ctx === '' ? 'disa' : ctx;
              if (!target.includes(UNKNOWN) && !dialInSeen.has(target)) {
                dialInSeen.add(target);
                dialIns.push({ ctx: target, path, authenticated: f.authenticated || !/^no-password$/i.test(password) });
              }
              break;
            }
            case 'background':
            case 'waitexten':
              if (!dialInSeen.has(f.ctx.name)) {
                dialInSeen.add(f.ctx.name);
                dialIns.push({ ctx: f.ctx.name, path, authenticated: f.authenticated });
              }
              next();
              break;
            case 'dial': {
              const [targets = '', , options = ''] = splitArgs(data);
              // option T lets the caller transfer (blind transfer is # by default): the caller then dials again in
              // TRANSFER_CONTEXT, which FreePBX and many hand-written plans point at the internal context
              if (/T/.test(options.replace(/\([^)]*\)/g, ''))) {
                const xfer = f.vars.get('TRANSFER_CONTEXT') ?? plan.globals.get('TRANSFER_CONTEXT');
                if (xfer !== undefined && xfer !== '' && !xfer.includes(UNKNOWN) && !dialInSeen.has(xfer)) {
                  dialInSeen.add(xfer);
                  dialIns.push({ ctx: xfer, path, authenticated: f.authenticated });
                }
              }
              for (const channel of targets.split('&')) {
                const ch = parseChannel(channel.trim());
                if (!ch) continue;
                if (ch.tech === 'LOCAL') {
                  const [exten = '', ctx = ''] = ch.number !== '' ? [ch.number, ch.peer] : [ch.peer, 'default'];
                  jump(`${ctx},${exten},1`);
                } else if (isOutbound(ch, opts.trunks) && callerChosen(ch.number, f.probe)) {
                  record({ kind: 'outbound', at: p.at, channel: channel.trim(), number: ch.number, probe: f.probe, path, authenticated: f.authenticated });
                }
              }
              next();
              break;
            }
            case 'execif':
            case 'exec': {
              // ExecIf(cond?App(args)[:App(args)]) and Exec(App(args)) run another application: run each one named
              const calls = app === 'exec' ? [data] : branches(data);
              for (const call of calls) {
                const inner = splitApp(call);
                if (inner.app !== '' && !/^exec/i.test(inner.app)) exec(inner.app.toLowerCase(), inner.args);
              }
              if (app === 'execif') next();
              break;
            }
            case 'read':
            case 'readexten': {
              // the caller types the value: the number being probed, or an international one when the call came in on `s`
              const [name = ''] = splitArgs(data);
              const typed = /\d{6,}/.test(f.probe) ? f.probe : ATTACK_NUMBERS[0]!;
              const vars = new Map(f.vars);
              if (name !== '' && !name.includes(UNKNOWN)) vars.set(name, typed);
              stack.push({ ...f, vars, index: f.index + 1, path, probe: typed });
              break;
            }
            default:
              if (!TERMINAL.has(app)) next();
          }
        };
        exec(app, data);
      }
    }
  }
  if (opts.stats) {
    opts.stats.steps = steps;
    opts.stats.truncated = steps >= maxSteps;
  }
  return hits;
}
