/** @module The `pbxguard` command: one subcommand per file in this folder, registered here. */
import { Command, CommanderError } from './commander.js';
import { replayCommand } from './replay.js';
import { rulesCommand } from './rules.js';
import { UsageError } from './usage-error.js';
import { safeText } from '../act/report/safe-text.js';
import { auditCommand } from './audit.js';

/** The option parser's messages in pbxguard's own form (`pbxguard: …`, as every other error). */
const output = { writeErr: (s: string) => process.stderr.write(s.startsWith('error: ') ? `pbxguard: ${s.slice('error: '.length)}` : s) };

/** Exit status: 0 success, 1 findings/failures reported, 2 usage or input errors. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('pbxguard')
    .description('Security guard for Asterisk/FreePBX phone systems')
    .version('0.1.0')
    .exitOverride()
    .configureOutput(output)
    .showHelpAfterError('(see: pbxguard --help)');
  program.addCommand(replayCommand());
  program.addCommand(rulesCommand());
  program.addCommand(auditCommand());
  const configure = (c: Command, path: string): void => {
    c.exitOverride().configureOutput(output).showHelpAfterError(`(see: ${path} --help)`);
    for (const sub of c.commands) configure(sub, `${path} ${sub.name()}`);
  };
  for (const c of program.commands) configure(c, `pbxguard ${c.name()}`);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof UsageError) {
      // messages name files and quote input: shown escaped, never as terminal controls
      process.stderr.write(`pbxguard: ${safeText(e.message, 4096)}\n`);
      return 2;
    }
    throw e;
  }
}
