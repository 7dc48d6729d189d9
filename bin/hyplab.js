#!/usr/bin/env node
// Runs the TypeScript sources directly: no build step between a clone and the first command.
import { register } from 'tsx/esm/api';

// `hyplab ... | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
