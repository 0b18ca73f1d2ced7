/**
 * Install-time entry: builds the default backbones into a folder.
 *
 *   node --import tsx native/convert/build.ts <outDir> [--force]
 */
import { relative, resolve } from 'node:path';
import { buildDefaultBackbones } from './buildDefaultBackbones';

const args = process.argv.slice(2);
const folder = args.find((arg) => !arg.startsWith('--'));
if (!folder || args.some((arg) => arg.startsWith('--') && arg !== '--force')) {
  console.error('usage: node --import tsx native/convert/build.ts <outDir> [--force]');
  process.exit(2);
}
try {
  const results = await buildDefaultBackbones(resolve(folder), { force: args.includes('--force'), log: (message) => console.log(message) });
  for (const result of results) {
    console.log(`${result.built ? 'built' : 'up to date'}: ${relative(process.cwd(), result.path)} sha256 ${result.sha256}`);
  }
} catch (error) {
  console.error(`building the default backbones failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
}
