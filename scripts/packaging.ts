/**
 * What packaging adds to an installer by hand: SQLite for Electron in resources/native, where the
 * installed app looks (main/app/sqliteBinding.ts). Called by scripts/afterPack.mjs.
 */
import { nativeFolder } from '../main/app/sqliteBinding';
import { describeMissing, MissingPiece } from './missing';
import { ensureStaged, projectTarget } from './nativeBinding';

export interface PackageTarget {
  projectDir: string;
  /** The packaged app's resources folder (Contents/Resources on macOS). */
  resourcesDir: string;
  platform: string;
  arch: string;
  /** The Electron version being packaged. */
  electron: string;
}

export async function stageForPackage(pack: PackageTarget): Promise<void> {
  const target = { ...projectTarget(pack.projectDir, pack.platform, pack.arch), electron: pack.electron };
  const folder = nativeFolder({ appRoot: pack.resourcesDir, isPackaged: true, resourcesPath: pack.resourcesDir });
  try {
    await ensureStaged(pack.projectDir, folder, target, { log: (line) => console.log(`  • ${line}`) });
  } catch (error) {
    if (!(error instanceof MissingPiece)) throw error;
    throw new Error(`The installer cannot be made without SQLite for Electron.\n${describeMissing([error])}`);
  }
}
