/** App settings (language), the local API credentials and About information. */
import type { OutputOf, Settings } from '../../preload/contract';
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { Language, type SetKioskPinInput, type UpdateSettingsInput, type VerifyKioskPinInput } from '../../preload/contract/schemas';
import type { Context } from '../core/context';
import * as q from '../db/queries';

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
  if (input.Pin === undefined) q.writeSetting(ctx.db, PIN_SETTING, null);
  else {
    const salt = randomBytes(16).toString('hex');
    q.writeSetting(ctx.db, PIN_SETTING, { salt, hash: pinHash(input.Pin, salt).toString('hex') });
  }
  const settings = getSettings(ctx);
  ctx.events.emit('SettingsChanged', settings);
  return settings;
}

/** True when no PIN is set, or `Pin` is it. */
export function verifyKioskPin(ctx: Context, input: VerifyKioskPinInput): OutputOf<'VerifyKioskPin'> {
  const stored = readPin(ctx);
  if (!stored) return { Verified: true };
  return { Verified: timingSafeEqual(pinHash(input.Pin, stored.salt), Buffer.from(stored.hash, 'hex')) };
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
