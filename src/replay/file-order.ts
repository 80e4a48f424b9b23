/**
 * @module The order replay reads its files in. Windows and ban times run on the lines' own times in
 * the order read, so the rotated files of one log are read oldest first whatever order they were
 * given in: the shell's `auth.log*` expands newest first (`auth.log auth.log.1 auth.log.2.gz`),
 * and a burst across the rotation would be counted as two halves.
 */
import { resolve } from 'node:path';

/** `/var/log/asterisk/messages.2.gz`, `./messages-20261120` → `/var/log/asterisk/messages`, `$PWD/messages`. */
export function logOf(name: string): string {
  return resolve(name.replace(/(?:\.gz)?$/, '').replace(ROTATION_SUFFIX, ''));
}

const ROTATION_SUFFIX = /(?:\.\d{1,3}|-\d{8}(?:\d{2})?)$/;

/**
 * How far back a file is among its log's files, by logrotate's naming: the live file 0, `.N` N
 * (`.1` is the newest rotated), `-YYYYMMDD[HH]` (dateext) older the earlier its date.
 */
function rotationAge(name: string): number {
  const suffix = ROTATION_SUFFIX.exec(name.replace(/(?:\.gz)?$/, ''))?.[0];
  if (suffix === undefined) return 0;
  if (suffix.startsWith('.')) return Number(suffix.slice(1));
  // after every numbered file (a log is named one way or the other), earlier dates further back
  return 1e12 - Number(suffix.slice(1).padEnd(10, '0'));
}

/**
 * The files in reading order: each log's files oldest first, at the place of the first of them
 * given; different logs (and stdin, `-`) keep the order given.
 */
export function readingOrder(files: readonly string[]): string[] {
  const byLog = new Map<string, string[]>();
  for (const f of files) {
    const log = f === '-' ? '-' : logOf(f);
    const group = byLog.get(log);
    if (group === undefined) byLog.set(log, [f]);
    else group.push(f);
  }
  // a stable sort: files of equal age (a log given twice by two names) keep their order
  return [...byLog.values()].flatMap((group) => (group.length === 1 ? group : group.sort((a, b) => rotationAge(b) - rotationAge(a))));
}
