/** @module The numbers the dialplan walk dials from a context: attack numbers, reachable names, and samples of every pattern. */
import type { Dialplan, Extension } from './model.js';
import { sampleFor } from './pattern.js';

/** Numbers attackers dial after breaking in: international (three common exit codes, with and without an outside-line 9) and premium rate. */
export const ATTACK_NUMBERS = ['011442079460123', '00442079460123', '+442079460123', '9011442079460123', '900442079460123', '19005550123', '0900123456', '12125550123', '2125550123'];

/** Every extension name and pattern reachable from a context through includes. */
function reachableExtensions(plan: Dialplan, ctxName: string, seen = new Set<string>()): Extension[] {
  const ctx = plan.contexts.get(ctxName);
  if (!ctx || seen.has(ctxName)) return [];
  seen.add(ctxName);
  return [...ctx.extensions, ...ctx.includes.flatMap((i) => reachableExtensions(plan, i.name, seen))];
}

/** Samples of every pattern in the dialplan, steered towards each attack number; computed once per dialplan. */
const patternSamples = new WeakMap<Dialplan, string[]>();

function allPatternSamples(plan: Dialplan): string[] {
  let samples = patternSamples.get(plan);
  if (!samples) {
    const set = new Set<string>();
    for (const ctx of plan.contexts.values()) for (const ext of ctx.patterns) for (const target of ATTACK_NUMBERS) set.add(sampleFor(ext.pattern, target));
    samples = [...set];
    patternSamples.set(plan, samples);
  }
  return samples;
}

/**
 * What a caller can dial in a context: the attack numbers, the names reachable through its includes, and samples of
 * every pattern in the dialplan (a Goto that passes ${EXTEN} on can land the caller's digits in any of them).
 */
export function probesFor(plan: Dialplan, ctxName: string, scope: 'entry' | 'reentry' = 'entry'): string[] {
  const probes = new Set<string>(ATTACK_NUMBERS);
  for (const ext of reachableExtensions(plan, ctxName)) {
    if (!ext.pattern.isPattern) probes.add(ext.pattern.text);
    else if (scope === 'reentry') for (const target of ATTACK_NUMBERS) probes.add(sampleFor(ext.pattern, target));
  }
  // an IVR or DISA re-entry reuses the entry's reach; only its own patterns add new ground (hundreds of IVRs in FreePBX)
  if (scope === 'entry') for (const s of allPatternSamples(plan)) probes.add(s);
  return [...probes];
}
