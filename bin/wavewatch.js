#!/usr/bin/env node
// Runs the TypeScript CLI directly (tsx), so `npx wavewatch …` works right after `npm ci`.
require('tsx/cjs');
require('../src/cli/main.ts');
