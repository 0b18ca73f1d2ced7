/**
 * The Loupe home folder: the database, credentials, models, caches and logs live here.
 * `LOUPE_HOME` (or --home) chooses it; otherwise it is the folder Electron uses as userData for
 * an app named Loupe, so the app, `loupe serve` and the CLI share one home by default.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
