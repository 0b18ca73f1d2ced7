/** App settings (language), the local API credentials and About information. */
import type { OutputOf, Settings } from '../../preload/contract';
import { Language, type UpdateSettingsInput } from '../../preload/contract/schemas';
import type { Context } from '../core/context';
import * as q from '../db/queries';

const DEFAULT_SETTINGS: Settings = { Language: 'en' };

export function getSettings(ctx: Context): Settings {
  const language = Language.safeParse(q.readSetting(ctx.db, 'language'));
  return { ...DEFAULT_SETTINGS, ...(language.success ? { Language: language.data } : {}) };
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
