import { setTimeout as sleep } from 'node:timers/promises';
import { run } from './cli';
import { Io } from './context';

/** The `g2g` command: real streams, environment and network around the pure `run`. */
function processIo(): Io {
  return {
    out: (text) =>
      new Promise<void>((resolve, reject) => {
        // Resolves when the text is handed to the OS, so a long JSON array is written with backpressure.
        process.stdout.write(text, (error) => (error ? reject(error) : resolve()));
      }),
    err: (text) => {
      process.stderr.write(text);
    },
    errIsTty: Boolean(process.stderr.isTTY),
    env: process.env,
    cwd: process.cwd(),
    sleep: (ms) => sleep(ms),
  };
}

// A closed pipe (g2g ... | head) is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

run(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
