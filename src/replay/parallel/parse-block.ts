/**
 * @module One block of whole lines parsed into a packed batch: what a parse worker does, and what
 * the main thread does itself while no worker's block is ready (so on two CPUs neither idles).
 */
import { LineParser } from '../../parse/line-parser.js';
import type { RulePack } from '../../parse/matcher.js';
import { LineSplitter, splitBytes, type ReadStats } from '../../sources/line-reader.js';
import { BatchWriter, REC, type BatchResult, type BlockRequest, type FileRequest } from './batch.js';

export class BlockParser {
  private readonly ruleIndex: Map<string, number>;

  constructor(private readonly pack: RulePack) {
    this.ruleIndex = new Map(pack.rules.map((r, i) => [r.id, i]));
  }

  parse(req: BlockRequest, f: FileRequest): { result: BatchResult; transfer: ArrayBuffer[] } {
    // a new parser per block: what it remembers of sshd processes must come from this block only
    const parser = new LineParser(this.pack, f.reference, f.name, true, true, f.freePbxLog);
    // fields take ~22 bytes an event, and all-attack blocks hold an event per ~230 bytes
    const batch = new BatchWriter(this.ruleIndex, req.bytes.length >> 3);
    const stats: ReadStats = { lines: req.lineBefore, bytes: 0, oversized: 0 };
    const splitter = new LineSplitter((b, start, end, lineNo) => {
      const ev = parser.eventIn(b, start, end, lineNo);
      // what the line gives depends on earlier blocks: the main thread, which has them, decides
      if (parser.missedEarlier) batch.deferred(b.toString('latin1', start, end), lineNo, parser.forgedFile);
      else if (ev !== undefined) for (let k = parser.repeats; k > 0; k--) batch.event(ev);
    }, stats);
    splitBytes(req.bytes, splitter);
    if (req.last) splitter.finish();
    const result: BatchResult = {
      type: 'batch',
      id: req.id,
      lines: stats.lines - req.lineBefore,
      oversized: stats.oversized,
      notes: parser.notes,
      count: batch.count,
      ints: batch.ints.subarray(0, batch.count * REC),
      ats: batch.ats.subarray(0, batch.count),
      textBytes: batch.textBytes,
      textLength: batch.textLength,
      wide: batch.wide,
      forgedFile: parser.forgedFile,
      sessions: parser.sessions.entries(),
      spent: req.bytes.buffer as ArrayBuffer,
      blockOffset: req.bytes.byteOffset,
      blockLength: req.bytes.length,
      lineBefore: req.lineBefore,
      last: req.last,
      deferred: batch.deferredCount,
      remembered: parser.sessions.remembered,
    };
    const transfer = [result.ints.buffer as ArrayBuffer, result.ats.buffer as ArrayBuffer, result.textBytes.buffer as ArrayBuffer, result.spent];
    return { result, transfer };
  }
}
