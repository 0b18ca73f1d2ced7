#!/usr/bin/env node
// The `loupe` command. Loupe's sources are TypeScript; tsx compiles them as they load.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./index.ts');
process.exitCode = await main(process.argv.slice(2));
