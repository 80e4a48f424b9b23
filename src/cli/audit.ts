/** @module `pbxguard audit`: reads a PBX's configuration and reports each weakness with its file, line and fix. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, Option } from './commander.js';
import type { Finding, Severity } from '../audit/finding.js';
import type { ReportFormat } from '../audit/report/render.js';
import { wantsColour } from '../act/report/paint.js';
import { UsageError } from './usage-error.js';

interface AuditFlags {
  asterisk: string;
  sshd: string;
  live?: boolean;
  format: ReportFormat;
  failOn: Severity;
  color: boolean;
}

const DEFAULT_SSHD = '/etc/ssh/sshd_config';

export function auditCommand(): Command {
  return new Command('audit')
    .description('audit an Asterisk/FreePBX configuration (and sshd, and optionally the running host) for weaknesses')
    .option('--asterisk <dir>', 'Asterisk config directory', '/etc/asterisk')
    .option('--sshd <file>', 'sshd_config to audit (skipped when the default is absent)', DEFAULT_SSHD)
    .option('--live', 'also read listening sockets (ss) and the firewall (nft, iptables-save) of this host')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'sarif', 'html']).default('text'))
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices(['critical', 'high', 'medium', 'low']).default('low'))
    .option('--no-color', 'no colours in the text report')
    .addHelpText('after', '\nExit status: 0 no findings at or above --fail-on, 1 some, 2 usage or read error.')
    .action(async (flags: AuditFlags) => {
      process.exitCode = await audit(flags);
    });
}

/**
 * The audit engine is imported when the command runs, not when the CLI starts: every other
 * command (replay, on million-line logs) would otherwise pay for loading it.
 */
async function loadEngine() {
  const [source, finding, run, render, sshd, live] = await Promise.all([
    import('../audit/conf/source.js'),
    import('../audit/finding.js'),
    import('../audit/run-audit.js'),
    import('../audit/report/render.js'),
    import('../audit/sshd/check.js'),
    import('../audit/live/collect.js'),
  ]);
  return { ...source, ...finding, ...run, ...render, ...sshd, ...live };
}
type Engine = Awaited<ReturnType<typeof loadEngine>>;

async function audit(flags: AuditFlags): Promise<number> {
  const engine = await loadEngine();
  try {
    return await auditOrThrow(flags, engine);
  } catch (e) {
    if (e instanceof engine.ConfReadError) throw new UsageError(`cannot read ${e.message}`, { cause: e });
    throw e;
  }
}

async function auditOrThrow(flags: AuditFlags, { auditSshd, diskSource, effectiveOnlyFindings, failsAt, liveFindings, renderReport, runAudit, sshdEffective }: Engine): Promise<number> {
  const dir = resolve(flags.asterisk);
  if (!existsSync(dir)) throw new UsageError(`--asterisk ${flags.asterisk}: no such directory`);
  if (!statSync(dir).isDirectory()) throw new UsageError(`--asterisk ${flags.asterisk}: not a directory (give the folder that holds asterisk.conf, pjsip.conf, …)`);
  const extra: Finding[] = [];
  const extraFiles: string[] = [];
  const sshdPath = resolve(flags.sshd);
  if (existsSync(sshdPath)) {
    const ssh = auditSshd(diskSource(), sshdPath);
    extra.push(...ssh.findings);
    extraFiles.push(...ssh.files);
    if (flags.live) {
      // on the host itself, sshd's own view settles defaults and includes the file reading cannot see
      const effective = await sshdEffective(sshdPath);
      if (effective !== undefined) extra.push(...effectiveOnlyFindings(ssh.findings, effective, sshdPath));
      else process.stderr.write('pbxguard: --live: `sshd -T` could not run here; sshd_config was judged from the files alone\n');
    }
  } else if (flags.sshd !== DEFAULT_SSHD) throw new UsageError(`--sshd ${flags.sshd}: no such file`);
  if (flags.live) {
    const live = await liveFindings();
    extra.push(...live.findings);
    for (const note of live.notes) process.stderr.write(`pbxguard: --live: ${note}\n`);
  }
  const result = runAudit({ source: diskSource(), asteriskDir: dir, extra, extraFiles });
  if (result.summary.filesRead.length === extraFiles.length) throw new UsageError(noConfigMessage(flags.asterisk, dir));
  // a reader that stops early (`| head`) is not an error of the audit
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
  process.stdout.write(renderReport(flags.format, result, { color: flags.format === 'text' && wantsColour(process.stdout, flags.color), auditedDir: dir }));
  return failsAt(result.findings, flags.failOn) ? 1 : 0;
}

function noConfigMessage(shown: string, dir: string): string {
  const message = `${shown}: no Asterisk config files (asterisk.conf, pjsip.conf, sip.conf, extensions.conf, …) found`;
  // Asterisk's source tree and doc packages ship configs/samples/*.conf.sample, a likely first thing to try
  let samples = 0;
  try {
    samples = readdirSync(dir).filter((n) => n.endsWith('.conf.sample')).length;
  } catch {
    // an unlistable directory gets the plain message
  }
  return samples === 0 ? message : `${message}; it holds ${samples} *.conf.sample files, which Asterisk does not read: audit a copy named without .sample (as \`make samples\` installs them)`;
}
