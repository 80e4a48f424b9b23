/**
 * @module CPU profile of `pbxguard replay --format jsonl` on the generated all-attack log, summarised
 * as the functions with the most self time, each mapped back through dist's source maps to
 * `src/…ts:line`, plus self time per source file and inclusive time of pbxguard's own functions.
 *
 * Run: `node --import tsx bench/profile-replay.ts [--file bench/out/attack-1m.log] [--top 25] [--write-results]`.
 * The raw profile stays in bench/out/profile/<input>.cpuprofile for Chrome DevTools or speedscope.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureInput, fmtInt, machine, OUT_DIR, PBXGUARD, PreflightError, requireBuilt, writeResultsBlock } from './replay-vs-fail2ban.lib.js';

/** The subset of V8's .cpuprofile format read here. */
interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
    children?: number[];
    /** Samples per 1-based line of the script, for samples whose top frame is this node. */
    positionTicks?: { line: number; ticks: number }[];
  }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

interface Fn {
  name: string;
  /** `src/parse/matcher.ts:42` after source mapping, else the script URL and line. */
  where: string;
  file: string;
  selfUs: number;
  totalUs: number;
}

const maps = new Map<string, SourceMap | null>();

function sourceMapFor(url: string): SourceMap | null {
  let m = maps.get(url);
  if (m !== undefined) return m;
  m = null;
  if (url.startsWith('file://')) {
    const js = fileURLToPath(url);
    if (existsSync(js + '.map')) m = new SourceMap(JSON.parse(readFileSync(js + '.map', 'utf8')) as ConstructorParameters<typeof SourceMap>[0]);
  }
  maps.set(url, m);
  return m;
}

/** Short, stable name for a script: `src/…`, `node_modules/<pkg>/…` (even through a symlink), `node:…`. */
function shortPath(abs: string): string {
  const nm = abs.lastIndexOf('/node_modules/');
  return nm >= 0 ? abs.slice(nm + 1) : relative(process.cwd(), abs);
}

const jsLines = new Map<string, string[]>();

/** First non-blank column of a dist line: position ticks carry no column, and mapping column 0
 *  would land on the previous line's last segment. */
function firstColumn(url: string, line0: number): number {
  let ls = jsLines.get(url);
  if (ls === undefined) {
    ls = readFileSync(fileURLToPath(url), 'utf8').split('\n');
    jsLines.set(url, ls);
  }
  const text = ls[line0] ?? '';
  return text.length - text.trimStart().length;
}

/** Maps a V8 position (0-based line/column in dist/*.js) to `file:line` (1-based) in src. */
function locate(url: string, line: number, col: number): { where: string; file: string; line?: number } {
  if (url === '') return { where: '(native)', file: '(native)' };
  const map = sourceMapFor(url);
  if (map !== null) {
    const e = map.findEntry(line, col) as { originalSource?: string; originalLine?: number };
    if (e.originalSource !== undefined && e.originalLine !== undefined) {
      const src = e.originalSource.startsWith('file://') ? fileURLToPath(e.originalSource) : resolve(fileURLToPath(new URL('.', url)), e.originalSource);
      const rel = shortPath(src);
      return { where: `${rel}:${e.originalLine + 1}`, file: rel, line: e.originalLine + 1 };
    }
  }
  const file = url.startsWith('file://') ? shortPath(fileURLToPath(url)) : url;
  return { where: `${file}:${line + 1}`, file };
}

/** V8 names compiled regexes `RegExp: <source>`; rule patterns run to hundreds of characters. */
function displayName(name: string): string {
  return name.startsWith('RegExp: ') && name.length > 90 ? name.slice(0, 90) + '…' : name;
}

interface HotLine {
  where: string;
  file: string;
  line: number;
  fn: string;
  ticks: number;
}

/** Samples per source line of pbxguard's own code, from V8's per-node position ticks. */
function hotLines(p: CpuProfile): { lines: HotLine[]; ticks: number } {
  const byWhere = new Map<string, HotLine>();
  let ticks = 0;
  for (const node of p.nodes) {
    for (const pt of node.positionTicks ?? []) {
      ticks += pt.ticks;
      const url = node.callFrame.url;
      if (!url.startsWith('file://') || url.includes('/node_modules/')) continue;
      const loc = locate(url, pt.line - 1, firstColumn(url, pt.line - 1));
      if (loc.line === undefined) continue;
      const h = byWhere.get(loc.where) ?? { where: loc.where, file: loc.file, line: loc.line, fn: node.callFrame.functionName || '(anonymous)', ticks: 0 };
      h.ticks += pt.ticks;
      byWhere.set(loc.where, h);
    }
  }
  return { lines: [...byWhere.values()].sort((a, b) => b.ticks - a.ticks), ticks };
}

function sourceLine(file: string, line: number): string {
  try {
    const t = readFileSync(file, 'utf8').split('\n')[line - 1]?.trim() ?? '';
    return t.length > 100 ? t.slice(0, 100) + '…' : t;
  } catch {
    return '';
  }
}

function analyse(p: CpuProfile): { fns: Fn[]; totalUs: number; samples: number } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  // timeDeltas[i] is the time before sample i; the time a sample stands for is the gap that follows it
  // (what Chrome DevTools does). The last sample gets the mean gap.
  const n = p.samples.length;
  const mean = (p.endTime - p.startTime) / Math.max(1, n);
  for (let i = 0; i < n; i++) {
    const dt = i + 1 < n ? p.timeDeltas[i + 1]! : mean;
    selfUs.set(p.samples[i]!, (selfUs.get(p.samples[i]!) ?? 0) + Math.max(0, dt));
  }
  // Aggregate per function (name + location): V8 makes one node per call path.
  const fns = new Map<string, Fn>();
  const keyOf = new Map<number, string>();
  for (const node of p.nodes) {
    const cf = node.callFrame;
    const name = cf.functionName === '' ? '(anonymous)' : cf.functionName;
    const loc = locate(cf.url, cf.lineNumber, cf.columnNumber);
    const key = `${name}\u0000${loc.where}`;
    keyOf.set(node.id, key);
    if (!fns.has(key)) fns.set(key, { name, where: loc.where, file: name.startsWith('RegExp: ') ? '(regexp, compiled)' : loc.file, selfUs: 0, totalUs: 0 });
    fns.get(key)!.selfUs += selfUs.get(node.id) ?? 0;
  }
  // Inclusive time: a node's self plus its subtree, counted once per function even under recursion.
  const subtree = new Map<number, number>();
  const sub = (id: number): number => {
    const node = byId.get(id)!;
    let t = selfUs.get(id) ?? 0;
    for (const c of node.children ?? []) t += sub(c);
    subtree.set(id, t);
    return t;
  };
  const root = p.nodes[0]!.id;
  const totalUs = sub(root);
  const onStack = new Map<string, number>();
  const walk = (id: number): void => {
    const key = keyOf.get(id)!;
    const depth = onStack.get(key) ?? 0;
    if (depth === 0) fns.get(key)!.totalUs += subtree.get(id)!;
    onStack.set(key, depth + 1);
    for (const c of byId.get(id)!.children ?? []) walk(c);
    onStack.set(key, depth);
  };
  walk(root);
  return { fns: [...fns.values()], totalUs, samples: n };
}

const pct = (us: number, total: number): string => `${((100 * us) / total).toFixed(1)}%`;
const ms = (us: number): string => fmtInt(us / 1000);

function render(fns: Fn[], hot: { lines: HotLine[]; ticks: number }, totalUs: number, samples: number, top: number, cmd: string, wallS: number): string {
  const L: string[] = [];
  const m = machine();
  L.push(`\`${cmd}\` (wall ${wallS.toFixed(2)} s with the profiler on; ${fmtInt(samples)} samples, ${ms(totalUs)} ms profiled; ${m.cpu}, Node ${m.node}, pbxguard ${m.commit}).`);
  L.push('Self time = samples whose top frame is the function; V8 runs regexes and most builtins without a JS frame, so their');
  L.push('time shows as the self time of the JS function that called them. Locations are mapped through dist/*.js.map to src/.');
  const share = (pred: (f: Fn) => boolean): string => pct(fns.filter(pred).reduce((t, f) => t + f.selfUs, 0), totalUs);
  L.push('');
  L.push(
    `Summary: garbage collector ${share((f) => f.name === '(garbage collector)')}, compiled rule regexes ${share((f) => f.name.startsWith('RegExp: '))}, ` +
      `pbxguard's own JS (src/) ${share((f) => f.file.startsWith('src/'))}, Node internals ${share((f) => f.file.startsWith('node:'))}, ` +
      `node_modules ${share((f) => f.file.startsWith('node_modules/'))}, other native ${share((f) => f.file === '(native)' && f.name !== '(garbage collector)')}.`,
  );
  L.push('');
  L.push(`Top ${top} functions by self time:`);
  L.push('');
  L.push('| # | self | self ms | total | function | location |');
  L.push('|---:|---:|---:|---:|---|---|');
  const bySelf = [...fns].sort((a, b) => b.selfUs - a.selfUs).slice(0, top);
  bySelf.forEach((f, i) => L.push(`| ${i + 1} | ${pct(f.selfUs, totalUs)} | ${ms(f.selfUs)} | ${pct(f.totalUs, totalUs)} | \`${displayName(f.name).replaceAll('|', '\\|')}\` | ${f.where} |`));
  L.push('');
  L.push('Self time by source file (top 12):');
  L.push('');
  L.push('| self | file |');
  L.push('|---:|---|');
  const byFile = new Map<string, number>();
  for (const f of fns) byFile.set(f.file, (byFile.get(f.file) ?? 0) + f.selfUs);
  [...byFile]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12)
    .forEach(([f, us]) => L.push(`| ${pct(us, totalUs)} | ${f} |`));
  L.push('');
  L.push('pbxguard functions by inclusive time (top 15; where the time goes, call tree flattened):');
  L.push('');
  L.push('| total | self | function | location |');
  L.push('|---:|---:|---|---|');
  [...fns]
    .filter((f) => f.file.startsWith('src/'))
    .sort((a, b) => b.totalUs - a.totalUs)
    .slice(0, 15)
    .forEach((f) => L.push(`| ${pct(f.totalUs, totalUs)} | ${pct(f.selfUs, totalUs)} | \`${f.name}\` | ${f.where} |`));
  L.push('');
  L.push(`Hottest source lines of pbxguard's own code (top ${top}; share of all ${fmtInt(hot.ticks)} samples, from V8 position ticks;`);
  L.push('"function" is the profiled frame, so a line of a function V8 inlined into it is listed under the caller):');
  L.push('');
  L.push('| self | location | function | code |');
  L.push('|---:|---|---|---|');
  for (const h of hot.lines.slice(0, top)) {
    const code = sourceLine(h.file, h.line).replaceAll('|', '\\|').replaceAll('`', "'");
    L.push(`| ${((100 * h.ticks) / hot.ticks).toFixed(1)}% | ${h.where} | \`${h.fn}\` | \`${code}\` |`);
  }
  return L.join('\n');
}

function main(): number {
  const { values } = parseArgs({
    options: {
      file: { type: 'string' },
      top: { type: 'string', default: '25' },
      interval: { type: 'string', default: '500' },
      'write-results': { type: 'boolean', default: false },
    },
    strict: true,
  });
  try {
    requireBuilt();
  } catch (e) {
    if (e instanceof PreflightError) {
      process.stderr.write(`profile-replay: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  mkdirSync(OUT_DIR, { recursive: true });
  const file = values.file ?? ensureInput('attack-1m', 1_000_000, 1.0, 1, false).file;
  const dir = join(OUT_DIR, 'profile');
  const name = basename(file).replace(/\.log$/, '');
  const profFile = `${name}.cpuprofile`;
  mkdirSync(dir, { recursive: true });
  rmSync(join(dir, profFile), { force: true });
  // 500 µs sampling: twice V8's default resolution, still under ~2% overhead here.
  // one thread: the profile then holds the whole hot path (with workers it would show the main
  // thread waiting, and each worker's share in a file of its own)
  const args = ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-name', profFile, '--cpu-prof-interval', values.interval, PBXGUARD, 'replay', '--format', 'jsonl', '--workers', '0', file];
  const cmd = `node --cpu-prof --cpu-prof-interval ${values.interval} ${PBXGUARD} replay --format jsonl --workers 0 ${file} > /dev/null`;
  process.stderr.write(`${cmd}\n`);
  const devnull = openSync('/dev/null', 'w');
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', devnull, 'inherit'] });
  const wallS = (performance.now() - t0) / 1000;
  closeSync(devnull);
  if (r.status !== 0) throw new Error(`profiled replay exited ${r.status ?? r.signal}`);
  const profile = JSON.parse(readFileSync(join(dir, profFile), 'utf8')) as CpuProfile;
  const { fns, totalUs, samples } = analyse(profile);
  const md = render(fns, hotLines(profile), totalUs, samples, Number(values.top), cmd, wallS);
  process.stdout.write(md + '\n');
  if (values['write-results']) {
    // One block per profiled input, so the all-attack and the realistic profile can sit side by side.
    writeResultsBlock('## replay vs fail2ban-regex', `bench:profile-replay:${name}`, `### Profile of replay on ${name}\n\n${md}`);
    process.stderr.write('wrote bench/RESULTS.md\n');
  }
  return 0;
}

process.exitCode = main();
