/** @module One log line in, one match result out: envelope, timestamp and rule pack together. */
import type { Envelope } from './envelope.js';
import { parseEnvelope } from './envelope.js';
import type { MatchContext, MatchResult, RulePack } from './matcher.js';
import { TimestampResolver } from './timestamp.js';

export interface ParsedLine {
  env: Envelope;
  result: MatchResult;
  /** the source the line came from */
  file: string | undefined;
}

/**
 * Parses the lines of one source; `referenceMs` dates year-less timestamps and lines without any.
 * `latin1`: lines come from the file reader, one char per byte (see sources/line-reader.ts).
 */
export class LineParser {
  private readonly ts: TimestampResolver;

  constructor(
    private readonly pack: RulePack,
    private readonly referenceMs: number,
    private readonly file?: string,
    latin1 = false,
  ) {
    this.ts = new TimestampResolver(referenceMs);
    this.ctx = { at: referenceMs, file, latin1 };
  }

  private readonly ctx: MatchContext;

  parse(line: string, lineNo?: number): ParsedLine {
    const env = parseEnvelope(line);
    // one context per source, updated per line: the matcher copies what it keeps
    const ctx = this.ctx;
    ctx.line = lineNo;
    const result = this.pack.match(env, ctx);
    if ((result.status === 'event' || result.status === 'ambiguous') && env.ts !== undefined) {
      result.event.at = this.ts.resolve(env.ts) ?? this.referenceMs;
    }
    return { env, result, file: this.file };
  }
}
