/** @module Where config files come from: the disk, or a map of texts in tests; both expand include globs. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { posix } from 'node:path';

/** A file that exists but cannot be read (permissions, a directory in its place, too large). */
export class ConfReadError extends Error {
  constructor(
    readonly path: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${path}: ${detail}`, options);
    this.name = 'ConfReadError';
  }
}

/**
 * Read access to config files by absolute POSIX path. `read` returns undefined for a missing file and
 * throws ConfReadError for one that exists but cannot be read: an audit must not pass a file it could not see.
 */
export interface ConfSource {
  read(path: string): string | undefined;
  /** Absolute paths matching `pattern` (`*`, `?`, `[...]` in any segment), sorted; a pattern without wildcards is returned as is. */
  glob(pattern: string): string[];
}

/** Config files larger than this are not read whole: no real Asterisk config comes close. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

export function hasWildcard(s: string): boolean {
  return /[*?[]/.test(s);
}

/** One character as a regex atom that means only itself, whatever it is. */
function literal(c: string): string {
  return `\\u{${c.codePointAt(0)!.toString(16)}}`;
}

/**
 * A bracket expression `[...]` of a glob as a regex class. Each member is written as a code point, so no
 * character of the config can change the regex; a reversed range (`[z-a]`) matches nothing, as in fnmatch(3),
 * instead of making `new RegExp` throw.
 */
function bracketClass(body: string, negate: boolean): string {
  const chars = [...body];
  const parts: string[] = [];
  for (let i = 0; i < chars.length; i++) {
    const lo = chars[i]!;
    const hi = chars[i + 2];
    if (chars[i + 1] === '-' && hi !== undefined) {
      if (lo.codePointAt(0)! <= hi.codePointAt(0)!) parts.push(`${literal(lo)}-${literal(hi)}`);
      i += 2;
    } else parts.push(literal(lo));
  }
  // an empty class: `[]` matches nothing and `[^]` anything, which is what a glob of only reversed ranges means
  return `[${negate ? '^' : ''}${parts.join('')}]`;
}

/** Converts one path segment of a shell glob to an anchored regex. A leading dot is matched only literally, as glob(3) does. */
function segmentRegex(segment: string): RegExp {
  let re = '';
  const chars = [...segment];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const negate = chars[i + 1] === '!' || chars[i + 1] === '^';
      // a `]` right after `[` or `[!` is a member, not the end
      const first = i + (negate ? 2 : 1);
      const end = chars.indexOf(']', first + 1);
      if (end < 0) re += literal(c);
      else {
        re += bracketClass(chars.slice(first, end).join(''), negate);
        i = end;
      }
    } else re += literal(c);
  }
  return new RegExp(`^${re}$`, 'u');
}

/** Expands a glob one segment at a time with the given directory lister. */
export function expandGlob(pattern: string, listDir: (dir: string) => string[]): string[] {
  if (!hasWildcard(pattern)) return [pattern];
  const segments = pattern.split('/').filter((s) => s !== '');
  let current = ['/'];
  for (const seg of segments) {
    const next: string[] = [];
    const re = hasWildcard(seg) ? segmentRegex(seg) : undefined;
    for (const dir of current) {
      if (re === undefined) next.push(posix.join(dir, seg));
      else for (const name of listDir(dir)) if (re.test(name) && !(name.startsWith('.') && !seg.startsWith('.'))) next.push(posix.join(dir, name));
    }
    current = next;
    if (current.length === 0) break;
  }
  return current.sort();
}

/** Node's message repeats the path ("EACCES: permission denied, open '/etc/asterisk/sip.conf'"); the error already names it. */
function readFailure(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied (run the audit as root or as the user Asterisk runs as)';
  return (e as Error).message;
}

export function diskSource(): ConfSource {
  return {
    read(path) {
      let size: number;
      try {
        const st = statSync(path);
        if (!st.isFile()) throw new ConfReadError(path, 'not a regular file');
        size = st.size;
      } catch (e) {
        if (e instanceof ConfReadError) throw e;
        if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
        throw new ConfReadError(path, readFailure(e), { cause: e });
      }
      if (size > MAX_FILE_BYTES) throw new ConfReadError(path, `larger than ${MAX_FILE_BYTES} bytes`);
      try {
        return readFileSync(path, 'utf8');
      } catch (e) {
        throw new ConfReadError(path, readFailure(e), { cause: e });
      }
    },
    glob(pattern) {
      return expandGlob(pattern, (dir) => {
        try {
          return readdirSync(dir);
        } catch {
          return [];
        }
      });
    },
  };
}

/** An in-memory tree of files keyed by absolute path, for tests and generated configs. */
export function memorySource(files: Record<string, string>): ConfSource {
  const map = new Map(Object.entries(files).map(([k, v]) => [posix.normalize(k), v]));
  return {
    read: (path) => map.get(posix.normalize(path)),
    glob(pattern) {
      return expandGlob(pattern, (dir) => {
        const prefix = dir.endsWith('/') ? dir : `${dir}/`;
        const names = new Set<string>();
        for (const key of map.keys()) if (key.startsWith(prefix)) names.add(key.slice(prefix.length).split('/')[0]!);
        return [...names];
      });
    },
  };
}
