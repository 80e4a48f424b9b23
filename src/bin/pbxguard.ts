#!/usr/bin/env node
import { main } from '../cli/main.js';

// a reader that has seen enough (`pbxguard replay -f jsonl big.log | head`) closes the pipe: stop
// quietly, as filters do, instead of dying with a stack trace
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') process.stderr.write(`pbxguard: stdout: ${e.message}\n`);
  process.exit(e.code === 'EPIPE' ? 0 : 2);
});

process.exitCode = await main(process.argv);
