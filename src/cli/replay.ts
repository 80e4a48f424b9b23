/** @module `pbxguard replay`: the detection pipeline over log files, offline, with a report. */
import { accessSync, constants, existsSync, fstatSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Command, InvalidArgumentError, Option } from './commander.js';
import { parseDuration } from '../core/duration.js';
import { AddressSet } from '../core/ip.js';
import { ConfigError } from '../core/config-error.js';
import { explainLine } from '../act/report/explain.js';
import { decisionObject } from '../act/report/jsonl.js';
import { JsonlWriter } from '../act/report/jsonl-writer.js';
import { BufferedOutput } from '../act/report/output.js';
import { renderText } from '../act/report/text.js';
import { wantsColour } from '../act/report/paint.js';
import { loadRulePack } from '../parse/rules/load.js';
import type { PipelineSink } from '../pipeline/pipeline.js';
import { runReplay } from '../replay/run-replay.js';
import { InputError, inputSize, MAX_LINE_CHARS } from '../sources/line-reader.js';
import { jsonText, safeText } from '../act/report/safe-text.js';
import { UsageError } from './usage-error.js';

interface ReplayFlags {
  format: 'text' | 'jsonl' | 'json';
  explain?: boolean;
  rules?: string;
  allow: string[];
  allowFile: string[];
  maxretry?: number;
  findtime?: number;
  bantime?: number;
  progress: boolean;
  color: boolean;
  workers?: number;
  timezone?: string;
}

/**
 * Parse workers where they pay: one per CPU but one (the main thread parses too while it waits for
 * them), at most 8. Below 4 CPUs only for logs mostly of attack lines: on 2 CPUs one worker made an
 * all-attack replay 1.4 times faster (2.24 -> 1.6 s, ~170 MB in all) but a realistic log a little
 * slower (bench/RESULTS.md). `--workers N` asks for N whatever the log.
 */
function defaultWorkers(): { workers: number; workersWhenDense: boolean } {
  const cpus = availableParallelism();
  return { workers: Math.min(cpus - 1, 8), workersWhenDense: cpus < 4 };
}

const positiveInt = (v: string): number => {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
  return Number(v);
};
const nonNegativeInt = (v: string): number => {
  if (!/^\d+$/.test(v) || Number(v) > 64) throw new InvalidArgumentError('expected a whole number from 0 to 64');
  return Number(v);
};
/** Adds the addresses and networks a file lists, one per line; an error names the file and line. */
function addListed(set: AddressSet, file: string): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`--allow-file ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const entry = lines[i]!.replace(/#.*/, '').trim();
    if (entry === '') continue;
    try {
      set.add(entry);
    } catch (e) {
      throw new UsageError(`${file}:${i + 1}: ${(e as Error).message}`);
    }
  }
}

/** An IANA zone name as the time zone database spells it (TZ is looked up case-sensitively). */
const timeZone = (v: string): string => {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: v }).resolvedOptions().timeZone;
  } catch {
    throw new InvalidArgumentError(`not a time zone name: ${JSON.stringify(v)} (an IANA name such as Europe/Berlin, America/New_York, UTC)`);
  }
};
/** A ban length, or a permanent ban as fail2ban's -1 and people write it. */
const bantime = (v: string): number => (['forever', 'permanent', '-1'].includes(v.trim().toLowerCase()) ? Infinity : duration(v));
const duration = (v: string): number => {
  try {
    return parseDuration(v);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
};

export function replayCommand(): Command {
  return new Command('replay')
    .description('run the detection pipeline over log files offline and report what it would ban')
    .argument('<files...>', 'log files (plain or .gz); - reads stdin')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'jsonl', 'json']).default('text'))
    .option('--explain', 'print, for each line, which rule took it or why none did')
    .option('--rules <dir>', 'rule pack directory, used instead of the bundled rules (copy rules/ to extend them)')
    .option('--allow <cidr>', 'never ban this address or network (repeatable); a cracked account there is still an alert; loopback is never banned', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--allow-file <file>', 'never ban the addresses and networks listed in this file, one per line (# starts a comment; repeatable)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--maxretry <n>', 'failures that trigger a ban (default 5)', positiveInt)
    .option('--findtime <duration>', 'window the failures must fall in (default 10m)', duration)
    .option('--bantime <duration>', 'first ban length (default 1h; forever, permanent or -1: every ban permanent)', bantime)
    .option('--no-progress', 'no progress bar on a terminal')
    .option('--no-color', 'no colours in the text report (also NO_COLOR=1)')
    .option('--timezone <zone>', "time zone of log times written without a UTC offset, as an IANA name (Europe/Berlin); default: this machine's", timeZone)
    .option('--workers <n>', 'parse threads for plain files of 64 MiB and more (default: one per CPU but one, at most 8; below 4 CPUs only when a quarter of the lines of a 64 KiB sample are events)', nonNegativeInt)
    .addHelpText(
      'after',
      [
        '',
        "The files of one log (its rotations) are read in the order of their first lines' times, whatever the order given. Times without a UTC offset are read in this machine's zone unless --timezone names the PBX's. Exit status: 0 done, 2 usage or input error.",
        'Examples:',
        '  pbxguard replay /var/log/asterisk/messages /var/log/asterisk/security',
        '  pbxguard replay --explain /var/log/asterisk/messages | less',
        '  pbxguard replay -f jsonl messages.2.gz messages.1 messages > events.jsonl',
      ].join('\n'),
    )
    .action(async (files: string[], flags: ReplayFlags) => {
      process.exitCode = await replay(files, flags);
    });
}

async function replay(files: string[], flags: ReplayFlags): Promise<number> {
  // before any time is read: local times of the logs, and of the report, are in this zone (parse
  // workers, started later, take the environment as it is then)
  if (flags.timezone !== undefined) process.env.TZ = flags.timezone;
  const seen = new Set<string>();
  for (const f of files) {
    if (f !== '-' && !existsSync(f)) throw new UsageError(`${f}: no such file`);
    // a file read twice counts its attacks twice, and stdin cannot be read twice: the same file by
    // any name (a link, /dev/stdin for -) is refused
    const st = f === '-' ? fstatSync(0) : statSync(f);
    const key = `${st.dev}:${st.ino}`;
    if (seen.has(key)) throw new UsageError(`${f === '-' ? 'stdin (-)' : f}: given twice (the same file as an earlier argument)`);
    seen.add(key);
    if (f === '-') continue;
    // a pipe (`<(zcat x.gz)`, /dev/stdin) is read like stdin
    if (!st.isFile() && !st.isFIFO() && !st.isCharacterDevice()) throw new UsageError(`${f}: ${st.isDirectory() ? 'a directory' : 'not a file or a pipe'}`);
    // as a missing file is: refused before anything is read, not after the files before it (which
    // lost the whole report)
    try {
      accessSync(f, constants.R_OK);
    } catch {
      throw new UsageError(`${f}: not readable (permission denied)`);
    }
  }
  if (flags.explain && flags.format !== 'text') throw new UsageError('--explain prints text; use it with --format text');
  const allowlist = new AddressSet();
  for (const a of flags.allow) {
    try {
      allowlist.add(a);
    } catch (e) {
      throw new UsageError(`--allow: ${(e as Error).message}`);
    }
  }
  for (const f of flags.allowFile) addListed(allowlist, f);
  let pack;
  try {
    pack = await loadRulePack(flags.rules);
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }

  const out = new BufferedOutput();
  const sinks: PipelineSink[] = [];
  if (flags.format === 'json') {
    // one document, streamed: events in runs as they come, decisions and summary at the end
    out.write('{"events":[');
    sinks.push(new JsonlWriter(out, true));
  }
  if (flags.explain) {
    // a file name is shown escaped, the same way on every line, so the output can be searched by it
    const where = (file: string, n: number) => `${safeText(file, 4096)}:${n}`;
    sinks.push({
      line: (p, _t, n) => out.write(explainLine(p, where(p.file ?? '', n), pack)),
      oversized: (file, n) => out.write(`${where(file, n)}  not read: longer than ${MAX_LINE_CHARS / 1024} KiB\n`),
    });
  }

  const total = files.reduce((n, f) => n + (inputSize(f) ?? 0), 0);
  // the bar's library is loaded only when it is shown (~6 ms of every start-up otherwise)
  const cliProgress = flags.progress && process.stderr.isTTY && total > 20e6 ? (await import('cli-progress')).default : undefined;
  const bar =
    cliProgress !== undefined
      ? new cliProgress.SingleBar({ stream: process.stderr, format: 'replay [{bar}] {percentage}% {value}/{total} MB', hideCursor: true }, cliProgress.Presets.shades_classic)
      : undefined;
  bar?.start(Math.round(total / 1e6), 0);

  let summary;
  try {
    summary = await runReplay({
      files,
      pack,
      ...(flags.workers !== undefined ? { workers: flags.workers } : defaultWorkers()),
      jsonl: flags.format === 'jsonl' ? out : undefined,
      allowlist,
      perAddressSummary: flags.format !== 'jsonl',
      detector: flags.maxretry !== undefined || flags.findtime !== undefined ? { limits: { default: { maxretry: flags.maxretry ?? 5, findtime: flags.findtime ?? 600_000 } } } : {},
      policy: flags.bantime !== undefined ? { bantime: flags.bantime } : {},
      sinks,
      backpressure: () => out.backpressure(),
      onProgress: bar ? (b) => bar.update(Math.min(Math.round(b / 1e6), Math.round(total / 1e6))) : undefined,
    });
  } catch (e) {
    bar?.stop();
    // the events already written stay a valid document, which says why it ends there
    if (flags.format === 'json') out.write(`\n],"error":${jsonText(e instanceof Error ? e.message : String(e))}}\n`);
    await out.end();
    if (e instanceof InputError) throw new UsageError(e.message);
    throw e;
  } finally {
    bar?.stop();
  }

  // a pack copied without it would silently stop banning scanner tools at once
  if (flags.rules !== undefined && pack.ruleSet?.fingerprints.length === 0) {
    summary.warnings.push(`${flags.rules}: the rule pack has no fingerprints.yaml: scanner tools (friendly-scanner, sipvicious, sipcli, …) were not recognised (copy rules/fingerprints.yaml into it)`);
  }
  // the text report lists them; other formats keep stdout machine-readable
  if (flags.format !== 'text') for (const w of summary.warnings) process.stderr.write(`pbxguard: warning: ${safeText(w, 4096)}\n`);
  if (flags.format === 'text') {
    out.write(renderText(summary, wantsColour(process.stdout, flags.color)));
  } else if (flags.format === 'json') {
    out.write(`\n],"decisions":${jsonText(summary.decisions.map(decisionObject))},"summary":${jsonText(summary)}}\n`);
  }
  await out.end();
  return 0;
}
