/** @module Locates ../shared/corpora; corpus tests fail (never skip) when it is missing. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The shared corpora folder: $PBXGUARD_CORPORA, else ../shared/corpora beside the repository. */
export const CORPORA = resolve(process.env.PBXGUARD_CORPORA ?? join(here, '..', '..', 'shared', 'corpora'));

export function corpusPath(...parts: string[]): string {
  if (!existsSync(CORPORA)) {
    throw new Error(`corpus folder ${CORPORA} is missing: these tests need ../shared/corpora (or PBXGUARD_CORPORA)`);
  }
  const p = join(CORPORA, ...parts);
  if (!existsSync(p)) throw new Error(`corpus file ${p} is missing`);
  return p;
}
