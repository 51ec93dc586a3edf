#!/usr/bin/env node
// Entry point: TypeScript runs through tsx, so neither evforge nor your definitions need a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
