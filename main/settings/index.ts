/** App settings (language), the local API credentials and About information. */
import type { OutputOf, Settings } from '../../preload/contract';
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { Language, type SetKioskPinInput, type UpdateSettingsInput, type VerifyKioskPinInput } from '../../preload/contract/schemas';
import type { Context } from '../core/context';
import * as q from '../db/queries';
import { codedError } from '../errors';

const DEFAULT_SETTINGS: Settings = { Language: 'en', KioskPinSet: false };

export function getSettings(ctx: Context): Settings {
  const language = Language.safeParse(q.readSetting(ctx.db, 'language'));
  return { ...DEFAULT_SETTINGS, ...(language.success ? { Language: language.data } : {}), KioskPinSet: readPin(ctx) !== undefined };
}

/**
 * The kiosk's exit PIN is kept here, not in one browser's storage, so every kiosk window and page
 * asks for the same one. Only a salted scrypt hash is stored; a 4–8 digit PIN still keeps out a
 * passer-by, not someone who can read the database.
 */
const PIN_SETTING = 'kiosk-pin';
const StoredPin = z.object({ salt: z.string(), hash: z.string() });

function readPin(ctx: Context): z.infer<typeof StoredPin> | undefined {
  const parsed = StoredPin.safeParse(q.readSetting(ctx.db, PIN_SETTING));
  return parsed.success ? parsed.data : undefined;
}

function pinHash(pin: string, salt: string): Buffer {
  return scryptSync(pin, Buffer.from(salt, 'hex'), 32);
}

export function setKioskPin(ctx: Context, input: SetKioskPinInput): OutputOf<'SetKioskPin'> {
  q.writeSetting(ctx.db, GUESS_SETTING, null);
  if (input.Pin === undefined) q.writeSetting(ctx.db, PIN_SETTING, null);
  else {
    const salt = randomBytes(16).toString('hex');
    q.writeSetting(ctx.db, PIN_SETTING, { salt, hash: pinHash(input.Pin, salt).toString('hex') });
  }
  const settings = getSettings(ctx);
  ctx.events.emit('SettingsChanged', settings);
  return settings;
}

/**
 * Wrong PINs are limited, or a 4-digit PIN falls to anyone patient at the kiosk (10,000 tries).
 * The first FREE_GUESSES wrong ones cost nothing; each after that locks the pad for twice as long
 * as the one before (30 s, 1 min, 2 min … up to 15 min), so guessing every 4-digit PIN would take
 * months. The count is kept in the database beside the PIN: closing the kiosk, reloading the page
 * or restarting Loupe does not reset it; the right PIN or a new PIN does.
 */
const GUESS_SETTING = 'kiosk-pin-guesses';
export const PIN_GUESS_LIMITS = { freeGuesses: 5, firstLockMs: 30_000, longestLockMs: 15 * 60_000 } as const;
const StoredGuesses = z.object({ failures: z.number().int().nonnegative(), lockedUntilMs: z.number() });
type StoredGuesses = z.infer<typeof StoredGuesses>;

function readGuesses(ctx: Context): StoredGuesses {
  const parsed = StoredGuesses.safeParse(q.readSetting(ctx.db, GUESS_SETTING));
  return parsed.success ? parsed.data : { failures: 0, lockedUntilMs: 0 };
}

function lockMsAfter(failures: number): number {
  const { freeGuesses, firstLockMs, longestLockMs } = PIN_GUESS_LIMITS;
  if (failures < freeGuesses) return 0;
  return Math.min(longestLockMs, firstLockMs * 2 ** Math.min(failures - freeGuesses, 20));
}

function secondsUntil(ms: number, now: number): number {
  return Math.max(1, Math.ceil((ms - now) / 1000));
}

/** True when no PIN is set, or `Pin` is it; refused with ThrottlingException while the pad is locked. */
export function verifyKioskPin(ctx: Context, input: VerifyKioskPinInput): OutputOf<'VerifyKioskPin'> {
  const stored = readPin(ctx);
  if (!stored) return { Verified: true };
  const now = ctx.now();
  const guesses = readGuesses(ctx);
  if (guesses.lockedUntilMs > now) {
    throw codedError('ThrottlingException', 'KioskPinLocked', { seconds: secondsUntil(guesses.lockedUntilMs, now) });
  }
  if (timingSafeEqual(pinHash(input.Pin, stored.salt), Buffer.from(stored.hash, 'hex'))) {
    if (guesses.failures > 0) q.writeSetting(ctx.db, GUESS_SETTING, null);
    return { Verified: true };
  }
  const failures = guesses.failures + 1;
  const lockMs = lockMsAfter(failures);
  q.writeSetting(ctx.db, GUESS_SETTING, { failures, lockedUntilMs: now + lockMs });
  return {
    Verified: false,
    AttemptsLeft: Math.max(0, PIN_GUESS_LIMITS.freeGuesses - failures),
    ...(lockMs > 0 ? { RetryAfterSeconds: secondsUntil(now + lockMs, now) } : {}),
  };
}

export function updateSettings(ctx: Context, input: UpdateSettingsInput): OutputOf<'UpdateSettings'> {
  if (input.Language) q.writeSetting(ctx.db, 'language', input.Language);
  const settings = getSettings(ctx);
  ctx.events.emit('SettingsChanged', settings);
  return settings;
}

export function getApiCredentials(ctx: Context): OutputOf<'GetApiCredentials'> {
  return { ...ctx.credentials, ...(ctx.endpoint ? { Endpoint: ctx.endpoint } : {}) };
}

export function getAppInfo(ctx: Context): OutputOf<'GetAppInfo'> {
  return {
    Name: 'Loupe',
    Version: ctx.versions.loupe ?? '0.0.0',
    Versions: ctx.versions,
    Platform: `${process.platform} ${process.arch}`,
    Home: ctx.home,
  };
}
