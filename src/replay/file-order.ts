/**
 * @module The order replay reads its files in. Windows and ban times run on the lines' own times in
 * the order read, so the files of one log (its rotations) are read in the order of their first
 * lines' times, whatever order they were given in: the shell's `auth.log*` expands newest first
 * (`auth.log auth.log.1 auth.log.2.gz`), and names alone cannot tell, since logrotate numbers the
 * newest rotation 1 and Asterisk's own `rotatestrategy = sequential` numbers it highest.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { constants, gunzipSync } from 'node:zlib';
import { isFreePbxLog, parseEnvelope } from '../parse/envelope.js';
import { TimestampResolver } from '../parse/timestamp.js';

/** `/var/log/asterisk/messages.2.gz`, `./messages-20261120` → `/var/log/asterisk/messages`, `$PWD/messages`. */
export function logOf(name: string): string {
  return resolve(name.replace(/(?:\.gz)?$/, '').replace(/(?:\.\d{1,3}|-\d{8}(?:\d{2})?)$/, ''));
}

/** Bytes of a file's head looked through for its first time (gzip's decompressed as far as they go). */
const HEAD_BYTES = 256 << 10;

/**
 * The first lines of a plain or gzip file (HEAD_BYTES of it, decompressed), and its modification
 * time; undefined for what is no regular file (a pipe is not read ahead: its lines would be lost)
 * or cannot be read.
 */
function fileHead(file: string): { lines: string[]; mtime: number } | undefined {
  try {
    const st = statSync(file);
    if (!st.isFile()) return undefined;
    const fd = openSync(file, 'r');
    let head: Buffer = Buffer.alloc(HEAD_BYTES);
    try {
      head = head.subarray(0, readSync(fd, head, 0, HEAD_BYTES, 0));
    } finally {
      closeSync(fd);
    }
    if (head[0] === 0x1f && head[1] === 0x8b) head = gzipHead(head);
    return { lines: head.toString('latin1').split('\n'), mtime: st.mtimeMs };
  } catch {
    return undefined;
  }
}

/**
 * The first HEAD_BYTES (or fewer) a gzip file's start decompresses to. The input is fed in growing
 * pieces, each decoded as far as it goes, until the output is long enough; a piece grows by no more
 * than the output still wanted could come from (deflate turns a byte into at most ~1032), so a small
 * file of a gigabyte of empty lines costs about a megabyte, not the gigabyte.
 */
function gzipHead(compressed: Buffer): Buffer {
  let out = Buffer.alloc(0);
  for (let n = 1024; ; n += Math.max(1024, Math.ceil((HEAD_BYTES - out.length) / MAX_DEFLATE_RATIO))) {
    out = gunzipSync(compressed.subarray(0, n), { finishFlush: constants.Z_SYNC_FLUSH });
    if (out.length >= HEAD_BYTES || n >= compressed.length) return out.subarray(0, HEAD_BYTES);
  }
}

/** the most bytes one byte of deflate data decodes to */
const MAX_DEFLATE_RATIO = 1032;

/** What a file's head tells of it, read once per file of a run (see headFacts). */
export interface HeadFacts {
  /** the time of its first line that has one pbxguard reads */
  firstTime?: number;
  /**
   * It is Asterisk's security log (its first Asterisk line is res_security_log.c's). Its
   * SuccessfulAuth events make an address trusted, and files are read one after the other: given
   * after the full or messages log, an office's logins came after its phones' failures of the
   * same hours, and the office was banned.
   */
  securityLog: boolean;
  /** it is FreePBX's own log (isFreePbxLog), or undefined when its head has no line in a known format */
  freePbxLog?: boolean;
}

/** The facts of a plain or gzip file's head, or undefined for what is no regular file or cannot be read. */
export function headFacts(file: string): HeadFacts | undefined {
  const head = fileHead(file);
  if (head === undefined) return undefined;
  const facts: HeadFacts = { securityLog: securityLogIn(head.lines) };
  const firstTime = firstTimeIn(head.lines, head.mtime);
  if (firstTime !== undefined) facts.firstTime = firstTime;
  const freePbxLog = isFreePbxLog(head.lines);
  if (freePbxLog !== undefined) facts.freePbxLog = freePbxLog;
  return facts;
}

function firstTimeIn(lines: readonly string[], mtime: number): number | undefined {
  const times = new TimestampResolver(mtime);
  for (const line of lines) {
    const ts = parseEnvelope(line).ts;
    const at = ts !== undefined ? times.resolve(ts) : undefined;
    if (at !== undefined) return at;
  }
  return undefined;
}

function securityLogIn(lines: readonly string[]): boolean {
  for (const line of lines) {
    const env = parseEnvelope(line);
    // past the header line Asterisk writes first in every file it opens, which names no source file
    if (env.family === 'asterisk' && env.file !== undefined) return env.file === 'res_security_log.c';
  }
  return false;
}

/**
 * The files in reading order: Asterisk's security logs first (HeadFacts.securityLog), then the
 * other logs in the order given; each log's files by their first lines' times, at the place of the
 * first of them, and after them, in the order given, those whose time is unknown (logrotate's fresh
 * empty file, a head of lines without times); stdin (`-`) among the other logs.
 */
export function readingOrder(files: readonly string[], facts: (file: string) => HeadFacts | undefined): string[] {
  const byLog = new Map<string, string[]>();
  for (const f of files) {
    const log = f === '-' ? '-' : logOf(f);
    const group = byLog.get(log);
    if (group === undefined) byLog.set(log, [f]);
    else group.push(f);
  }
  const logs = [...byLog.entries()];
  const firstLogs = new Set(logs.filter(([log, group]) => log !== '-' && facts(group[0]!)?.securityLog === true).map(([log]) => log));
  // a stable sort: the logs read first, then the others, each as given
  logs.sort(([a], [b]) => Number(firstLogs.has(b)) - Number(firstLogs.has(a)));
  return logs.map(([, group]) => group).flatMap((group) => {
    if (group.length === 1) return group;
    const times = new Map(group.map((f) => [f, facts(f)?.firstTime ?? Infinity]));
    // a stable sort: files starting at the same time, or unknown, keep their order
    return group.sort((a, b) => (times.get(a)! === times.get(b)! ? 0 : times.get(a)! - times.get(b)!));
  });
}
