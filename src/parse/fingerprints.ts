/** @module Known scanner fingerprints (SIPVicious, sipcli, …) looked up in User-Agent and From text. */
import type { FingerprintDef } from './rules/schema.js';

export class Fingerprinter {
  private readonly ua: Array<[string, string]> = [];
  private readonly from: Array<[string, string]> = [];

  constructor(defs: readonly FingerprintDef[]) {
    for (const d of defs) {
      for (const s of d.userAgent ?? []) this.ua.push([s.toLowerCase(), d.id]);
      for (const s of d.from ?? []) this.from.push([s.toLowerCase(), d.id]);
    }
  }

  /** id of the first fingerprint found, or undefined */
  identify(userAgent: string | undefined, from: string | undefined): string | undefined {
    if (userAgent !== undefined) {
      const u = userAgent.toLowerCase();
      for (const [needle, id] of this.ua) if (u.includes(needle)) return id;
    }
    if (from !== undefined) {
      const f = from.toLowerCase();
      for (const [needle, id] of this.from) if (f.includes(needle)) return id;
    }
    return undefined;
  }
}
