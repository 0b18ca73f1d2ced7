/**
 * The kiosk's exit PIN: 4–8 digits, kept in this browser's localStorage as a salted hash, never
 * as itself. It keeps a kiosk from being left by a passer-by, not from someone with the machine:
 * a PIN this short can be found from its hash, and localStorage belongs to whoever uses the browser.
 */

const STORAGE_KEY = 'loupe.kiosk.pin';

interface StoredPin {
  algorithm: 'SHA-256' | 'FNV-1a';
  salt: string;
  hash: string;
}

export function isValidPin(pin: string): boolean {
  return /^\d{4,8}$/.test(pin);
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** 64-bit FNV-1a, for pages where Web Crypto is unavailable (plain http on another host). */
function fnv1a(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}

async function digest(algorithm: StoredPin['algorithm'], salt: string, pin: string): Promise<string> {
  const text = `${salt}:${pin}`;
  if (algorithm === 'FNV-1a') return fnv1a(text);
  const bytes = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return hex(new Uint8Array(bytes));
}

function read(): StoredPin | undefined {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return undefined;
    const value = JSON.parse(raw) as Partial<StoredPin>;
    if ((value.algorithm === 'SHA-256' || value.algorithm === 'FNV-1a') && typeof value.salt === 'string' && typeof value.hash === 'string') {
      return value as StoredPin;
    }
  } catch {
    // Unreadable: as if none were set.
    return undefined;
  }
  return undefined;
}

const listeners = new Set<() => void>();

export function subscribePin(listener: () => void): () => void {
  listeners.add(listener);
  const onStorage = (event: StorageEvent) => {
    if (event.key === STORAGE_KEY) listener();
  };
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}

export function hasPin(): boolean {
  return read() !== undefined;
}

export async function setPin(pin: string): Promise<void> {
  if (!isValidPin(pin)) throw new Error('A PIN is 4 to 8 digits.');
  const saltBytes = new Uint8Array(16);
  crypto.getRandomValues(saltBytes);
  const salt = hex(saltBytes);
  const algorithm: StoredPin['algorithm'] = typeof crypto.subtle?.digest === 'function' ? 'SHA-256' : 'FNV-1a';
  const stored: StoredPin = { algorithm, salt, hash: await digest(algorithm, salt, pin) };
  localStorage.setItem(STORAGE_KEY, JSON.stringify(stored));
  for (const listener of listeners) listener();
}

export function clearPin(): void {
  localStorage.removeItem(STORAGE_KEY);
  for (const listener of listeners) listener();
}

/** True when no PIN is set, or when `pin` is it. */
export async function verifyPin(pin: string): Promise<boolean> {
  const stored = read();
  if (!stored) return true;
  return (await digest(stored.algorithm, stored.salt, pin)) === stored.hash;
}
