// electron-builder's afterPack hook (electron-builder.yml): puts SQLite for Electron, built for the
// target's Electron, platform and CPU, into the packaged app's resources/native folder, by the same
// means as `npm start` (scripts/nativeBinding.ts). Fuses are flipped after this hook, then signing.
import { tsImport } from 'tsx/esm/api';

export default async function afterPack(context) {
  const { stageForPackage } = await tsImport('./packaging.ts', import.meta.url);
  const { Arch } = await import('builder-util');
  await stageForPackage({
    projectDir: context.packager.projectDir,
    resourcesDir: context.packager.getResourcesDir(context.appOutDir),
    platform: context.electronPlatformName,
    arch: Arch[context.arch],
    electron: context.packager.info.framework.version,
  });
}
