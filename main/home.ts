/**
 * The Loupe home folder: the database, credentials, models, caches and logs live here.
 * `LOUPE_HOME` (or --home) chooses it; otherwise it is the folder Electron uses as userData for
 * an app named Loupe, so the app, `loupe serve` and the CLI share one home by default.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';

export function defaultHome(): string {
  const home = homedir();
  switch (process.platform) {
    case 'win32':
      return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Loupe');
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'Loupe');
    default:
      return join(process.env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Loupe');
  }
}

export function resolveHome(explicit?: string): string {
  const chosen = explicit ?? process.env.LOUPE_HOME;
  return chosen ? resolve(chosen) : defaultHome();
}

export const homePaths = (home: string) => ({
  database: join(home, 'loupe.db'),
  credentials: join(home, 'credentials.json'),
  log: join(home, 'logs', 'loupe.log'),
  models: join(home, 'models'),
  cache: join(home, 'cache'),
  /** Copies of camera images beyond the service's limits, made at import (datasets/ingest.ts); originals stay where they are. */
  downscaled: join(home, 'downscaled'),
});

const Credentials = z.object({
  AccessKeyId: z.string().min(16),
  SecretAccessKey: z.string().min(32),
  Region: z.string().min(1),
});
export type Credentials = z.infer<typeof Credentials>;

export const DEFAULT_REGION = 'us-east-1';

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function randomKeyId(): string {
  // Shaped like an AWS access key id (20 upper-case characters) so tools that check it accept it.
  const bytes = randomBytes(16);
  return `LKIA${Array.from(bytes, (b) => KEY_ALPHABET[b % 32]).join('')}`;
}

/** Read the local API credentials, creating them (readable by the owner only) on first run. */
export function loadOrCreateCredentials(home: string): Credentials {
  const file = homePaths(home).credentials;
  if (existsSync(file)) return Credentials.parse(JSON.parse(readFileSync(file, 'utf8')));
  mkdirSync(home, { recursive: true });
  const credentials: Credentials = {
    AccessKeyId: randomKeyId(),
    SecretAccessKey: randomBytes(30).toString('base64'),
    Region: DEFAULT_REGION,
  };
  try {
    writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another Loupe process created them first: theirs win.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateCredentials(home);
    throw error;
  }
  chmodSync(file, 0o600);
  return credentials;
}

/**
 * The home holds the database, the logs and the API credentials: readable by its owner only. The
 * home and its logs folder are 0700 and the files at its top and in logs 0600, made so and
 * tightened again at every start (an older Loupe, a copy or a umask may have left them open). On
 * Windows the folder's ACL already limits it to the user; chmod there changes only read-only bits.
 */
export function tightenHome(home: string): void {
  if (process.platform === 'win32') return;
  mkdirSync(home, { recursive: true, mode: 0o700 });
  chmodSync(home, 0o700);
  const logs = join(home, 'logs');
  if (existsSync(logs)) chmodSync(logs, 0o700);
  for (const [folder, names] of [
    [home, readdirSync(home)],
    [logs, existsSync(logs) ? readdirSync(logs) : []],
  ] as const) {
    for (const name of names) {
      const path = join(folder, name);
      if (/^(loupe\.db(-wal|-shm|-journal)?|credentials\.json|.*\.log(\.\d+)?)$/.test(name)) chmodSync(path, 0o600);
    }
  }
}
