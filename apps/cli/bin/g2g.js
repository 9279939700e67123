#!/usr/bin/env node
'use strict';
// The g2g command: runs the compiled client, building the repository first if it was never built.
const { existsSync } = require('node:fs');
const { execSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..', '..');
const main = path.join(root, 'dist', 'apps', 'cli', 'src', 'main.js');

if (!existsSync(main)) {
  process.stderr.write('g2g: building the repository first (npm run build)...\n');
  try {
    execSync('npm run --silent build', { cwd: root, stdio: 'inherit' });
  } catch (error) {
    process.stderr.write(`g2g: the build failed (${error.message})\n`);
    process.exit(1);
  }
  if (!existsSync(main)) {
    process.stderr.write(`g2g: the build did not produce ${main}\n`);
    process.exit(1);
  }
}

require(main);
