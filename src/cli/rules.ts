/** @module `pbxguard rules`: list the rule pack and run every rule's own samples (`rules test`). */
import { Command } from './commander.js';
import { loadRulePack } from '../parse/rules/load.js';
import { checkSamples, parseSample } from '../parse/rules/samples.js';
import { explainLine } from '../act/report/explain.js';
import { ConfigError } from '../core/config-error.js';
import { UsageError } from './usage-error.js';
import { safeText } from '../act/report/safe-text.js';

async function load(dir: string | undefined) {
  try {
    return await loadRulePack(dir);
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
}

export function rulesCommand(): Command {
  const cmd = new Command('rules').description('inspect and test the rule pack');
  cmd
    .command('list')
    .description('list the rules: id, log, service, kind')
    .option('--rules <dir>', 'rule pack directory, used instead of the bundled rules (copy rules/ to extend them)')
    .action(async (flags: { rules?: string }) => {
      const pack = await load(flags.rules);
      for (const r of pack.rules) process.stdout.write(`${r.id.padEnd(48)} ${r.log.padEnd(13)} ${r.service.padEnd(9)} ${r.kind}\n`);
    });
  cmd
    .command('test')
    .description("run every rule's sample lines and report the ones that do not give what they expect (exit status 1 when one does not, 2 when the pack does not load)")
    .option('--rules <dir>', 'rule pack directory, used instead of the bundled rules (copy rules/ to extend them)')
    .action(async (flags: { rules?: string }) => {
      const pack = await load(flags.rules);
      const failures = checkSamples(pack);
      const samples = pack.rules.reduce((n, r) => n + r.samples.length, 0);
      for (const f of failures) {
        // what --explain says of the line: which rule took it, or why none did
        const why = explainLine(parseSample(pack, f.line, f.context), '', pack).trim();
        process.stdout.write(`FAIL ${f.rule} (${f.file})\n  line: ${safeText(f.line, 300)}\n  expected: ${JSON.stringify(f.expected)}\n  got: ${safeText(f.got, 300)}\n  why: ${why}\n`);
      }
      process.stdout.write(`${pack.rules.length} rules, ${samples} samples: ${samples - failures.length} passed, ${failures.length} failed\n`);
      process.exitCode = failures.length > 0 ? 1 : 0;
    });
  return cmd;
}
