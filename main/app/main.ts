/**
 * Loupe's Electron entry, bundled to dist/app/main.cjs. It owns the process: one instance per
 * home, the privileged schemes, a locked-down session, the window, the menu, and the IPC
 * transport over the operation catalogue that main/api opens. No operation logic lives here.
 */
import { dirname, join, resolve } from 'node:path';
import { app, dialog, Menu, protocol, session, type BrowserWindow } from 'electron';
import { openLoupe, type Loupe } from '../api';
import { homePaths } from '../home';
import { createLogger } from '../log';
import { APP_SCHEME, appScheme, serveRendererFile } from './appProtocol';
import { appFiles } from './appFiles';
import { entryImageFile, isImageVariant } from '../datasets/images';
import { IMAGE_SCHEME, imageScheme, serveImage } from './imageProtocol';
import { registerIpc } from './ipc';
import { registerKioskWindows } from './kiosk';
import { registerDialogs } from './dialogs';
import { SqliteBindingError } from '../db';
import { chooseSqliteBinding, missingBindingMessage, nativeFolder, startFailedTitle } from './sqliteBinding';
import { buildMenu } from './menu';
import { createProcessEngine } from '../engine/processEngine';
import { utilityProcessTraining } from './trainingProcess';
import { createMainWindow, hardenSession, hardenWebContents } from './window';

const log = createLogger('app');

// Before 'ready', in this order: the name decides the default userData folder, LOUPE_HOME
// replaces it, and the single-instance lock lives in it (so two homes may run side by side).
app.setName('Loupe');
if (process.env.LOUPE_HOME) app.setPath('userData', resolve(process.env.LOUPE_HOME));
protocol.registerSchemesAsPrivileged([appScheme, imageScheme]);
app.enableSandbox();

if (app.requestSingleInstanceLock()) {
  start();
} else {
  // Another Loupe owns this home; it focuses its window on 'second-instance'.
  app.quit();
}

function start(): void {
  const home = app.getPath('userData');
  const appRoot = app.getAppPath();
  const files = appFiles(appRoot);
  const rendererRoot = files.renderer;
  const preload = files.preload;
  const modelsDir = files.models;
  // Electron loads only native modules built for its ABI: SQLite comes from the app's native folder.
  const sqlite = chooseSqliteBinding({
    folder: nativeFolder({ appRoot, isPackaged: app.isPackaged, resourcesPath: process.resourcesPath }),
    isPackaged: app.isPackaged,
  });
  if (sqlite.warning) log.warn('sqlite binding', { warning: sqlite.warning });

  let loupe: Loupe | undefined;
  let mainWindow: BrowserWindow | undefined;
  let disposeIpc: (() => void) | undefined;

  const openWindow = (): BrowserWindow => {
    const window = createMainWindow({ preload, stateFile: join(home, 'window-state.json') });
    window.on('closed', () => {
      if (mainWindow === window) mainWindow = undefined;
    });
    mainWindow = window;
    return window;
  };

  const focusWindow = (): void => {
    if (!loupe) return;
    const window = mainWindow ?? openWindow();
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };

  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  app.on('second-instance', focusWindow);
  app.on('activate', focusWindow);
  app.on('window-all-closed', () => {
    // macOS apps stay open without windows; the Dock icon reopens one ('activate').
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => {
    disposeIpc?.();
    loupe?.close();
    loupe = undefined;
  });

  app
    .whenReady()
    .then(() => {
      hardenSession(session.defaultSession);
      protocol.handle(APP_SCHEME, (request) => serveRendererFile(request, rendererRoot));
      protocol.handle(IMAGE_SCHEME, (request) =>
        serveImage(request, async (entryId, variant) =>
          loupe && isImageVariant(variant) ? entryImageFile(loupe.ctx, entryId, variant) : undefined,
        ),
      );

      loupe = openLoupe({
        home,
        watch: true,
        modelsDir,
        ...(sqlite.nativeBinding ? { sqliteBinding: sqlite.nativeBinding } : {}),
        electronSqliteBuild: sqlite.expected,
        engine: createProcessEngine({
          modelsDir,
          registeredDir: join(home, 'backbones'),
          spawn: utilityProcessTraining(files.training),
          inferenceEntry: files.inference,
        }),
        versions: {
          loupe: app.getVersion(),
          electron: process.versions.electron,
          chrome: process.versions.chrome,
          v8: process.versions.v8,
        },
      });
      log.info('started', { home, version: app.getVersion(), electron: process.versions.electron });

      const getWindow = (): BrowserWindow | undefined => mainWindow;
      const kiosks = registerKioskWindows({ preload, mainWindow: getWindow });
      const disposeOperations = registerIpc(loupe, () => [...(mainWindow ? [mainWindow] : []), ...kiosks.windows()]);
      const disposeDialogs = registerDialogs({ mainWindow: getWindow });
      disposeIpc = () => {
        disposeOperations();
        disposeDialogs();
        kiosks.dispose();
      };
      Menu.setApplicationMenu(buildMenu({ loupe, getWindow, logFolder: dirname(homePaths(home).log) }));
      openWindow();
    })
    .catch((error: unknown) => {
      log.error('start-up failed', { error });
      const language = app.getLocale().toLowerCase().startsWith('ko') ? 'ko' : 'en';
      const message =
        error instanceof SqliteBindingError
          ? `${missingBindingMessage(sqlite, process.versions.electron, app.isPackaged, language)}\n\n${error.message}`
          : error instanceof Error
            ? error.message
            : String(error);
      dialog.showErrorBox(startFailedTitle(language), `${message}\n\n${language === 'ko' ? '홈 폴더' : 'Home folder'}: ${home}`);
      app.exit(1);
    });
}
