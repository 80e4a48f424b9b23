/**
 * @module CPU profile of `pbxguard replay --format jsonl` on the generated all-attack log, summarised
 * as the functions with the most self time, each mapped back through dist's source maps to
 * `src/…ts:line`, plus self time per source file and inclusive time of pbxguard's own functions.
 *
 * Run: `node --import tsx bench/profile-replay.ts [--file bench/out/attack-1m.log] [--top 25] [--write-results]`.
 * The raw profile stays in bench/out/profile/ for Chrome DevTools or speedscope.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureInput, fmtInt, machine, OUT_DIR, PBXGUARD, PreflightError, requireBuilt, writeResultsBlock } from './replay-vs-fail2ban.lib.js';

/** The subset of V8's .cpuprofile format read here. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }[];
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

/** Maps a V8 call frame (0-based line/column in dist/*.js) to `file:line` (1-based) in src. */
function locate(url: string, line: number, col: number): { where: string; file: string } {
  if (url === '') return { where: '(native)', file: '(native)' };
  const map = sourceMapFor(url);
  if (map !== null) {
    const e = map.findEntry(line, col) as { originalSource?: string; originalLine?: number };
    if (e.originalSource !== undefined && e.originalLine !== undefined) {
      const src = e.originalSource.startsWith('file://') ? fileURLToPath(e.originalSource) : resolve(fileURLToPath(new URL('.', url)), e.originalSource);
      const rel = relative(process.cwd(), src);
      return { where: `${rel}:${e.originalLine + 1}`, file: rel };
    }
  }
  const file = url.startsWith('file://') ? relative(process.cwd(), fileURLToPath(url)) : url;
  return { where: `${file}:${line + 1}`, file };
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
    if (!fns.has(key)) fns.set(key, { name, where: loc.where, file: loc.file, selfUs: 0, totalUs: 0 });
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

function render(fns: Fn[], totalUs: number, samples: number, top: number, cmd: string, wallS: number): string {
  const L: string[] = [];
  const m = machine();
  L.push(`\`${cmd}\` (wall ${wallS.toFixed(2)} s with the profiler on; ${fmtInt(samples)} samples, ${ms(totalUs)} ms profiled; ${m.cpu}, Node ${m.node}, pbxguard ${m.commit}).`);
  L.push('Self time = samples whose top frame is the function; V8 runs regexes and most builtins without a JS frame, so their');
  L.push('time shows as the self time of the JS function that called them. Locations are mapped through dist/*.js.map to src/.');
  L.push('');
  L.push(`Top ${top} functions by self time:`);
  L.push('');
  L.push('| # | self | self ms | total | function | location |');
  L.push('|---:|---:|---:|---:|---|---|');
  const bySelf = [...fns].sort((a, b) => b.selfUs - a.selfUs).slice(0, top);
  bySelf.forEach((f, i) => L.push(`| ${i + 1} | ${pct(f.selfUs, totalUs)} | ${ms(f.selfUs)} | ${pct(f.totalUs, totalUs)} | \`${f.name}\` | ${f.where} |`));
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
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // 500 µs sampling: twice V8's default resolution, still under ~2% overhead here.
  const args = ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-name', 'replay.cpuprofile', '--cpu-prof-interval', values.interval, PBXGUARD, 'replay', '--format', 'jsonl', file];
  const cmd = `node --cpu-prof --cpu-prof-interval ${values.interval} ${PBXGUARD} replay --format jsonl ${file} > /dev/null`;
  process.stderr.write(`${cmd}\n`);
  const devnull = openSync('/dev/null', 'w');
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', devnull, 'inherit'] });
  const wallS = (performance.now() - t0) / 1000;
  closeSync(devnull);
  if (r.status !== 0) throw new Error(`profiled replay exited ${r.status ?? r.signal}`);
  const profile = JSON.parse(readFileSync(join(dir, 'replay.cpuprofile'), 'utf8')) as CpuProfile;
  const { fns, totalUs, samples } = analyse(profile);
  const md = render(fns, totalUs, samples, Number(values.top), cmd, wallS);
  process.stdout.write(md + '\n');
  if (values['write-results']) {
    writeResultsBlock('## replay vs fail2ban-regex', 'bench:profile-replay', `### Profile: where replay spends its time (100%-attack log)\n\n${md}`);
    process.stderr.write('wrote bench/RESULTS.md\n');
  }
  return 0;
}

process.exitCode = main();
