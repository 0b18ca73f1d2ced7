// Runs @electron/rebuild in a plain Node process (scripts/nativeBinding.ts explains why) on one work
// folder, whose own root stops the search for modules: nothing outside it is rebuilt.
//   node scripts/electronRebuild.mjs '{"buildPath":…,"electronVersion":…,"platform":…,"arch":…}'
import { rebuild } from '@electron/rebuild';

const options = JSON.parse(process.argv[2] ?? '{}');
try {
  await rebuild({
    ...options,
    projectRootPath: options.buildPath,
    onlyModules: ['better-sqlite3'],
    force: true,
    mode: 'sequential',
    ...(process.env.ELECTRON_REBUILD_DIST_URL ? { headerURL: process.env.ELECTRON_REBUILD_DIST_URL } : {}),
  });
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
