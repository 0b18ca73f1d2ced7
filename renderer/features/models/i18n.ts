/**
 * The model screens' strings live in their own i18next namespace (`models`), added to the app's
 * instance when this module loads, so the app's locale files stay as they are. English and Korean
 * carry the same keys (test/renderer/unit/models.test.ts checks that).
 */
import type { i18n as I18n } from 'i18next';
import { useMemo } from 'react';
import { getI18n, useTranslation } from 'react-i18next';
import { registerLocales, type KeyPaths } from '../../lib/featureLocales';
import en from './locales/en.json';
import ko from './locales/ko.json';

export const MODELS_NS = 'models';

/** Every key of the namespace, e.g. `evaluate.tiles.f1`. */
export type ModelsKey = KeyPaths<typeof en>;
export type ModelsT = (key: ModelsKey, values?: Record<string, unknown>) => string;

function register(instance: I18n | undefined): void {
  registerLocales(instance, MODELS_NS, { en, ko });
}

register(getI18n());

export interface ModelsText {
  t: ModelsT;
  /** A key built at run time (a phase, a status); falls back to `fallback` when it is missing. */
  dynamic: (key: string, fallback: string, values?: Record<string, unknown>) => string;
  /** The app's own namespace, for shared words (Cancel, statuses). */
  app: (key: string, values?: Record<string, unknown>) => string;
  language: string;
}

/** `t` for the model screens; re-renders when the language changes. */
export function useModelsT(): ModelsText {
  const { i18n } = useTranslation();
  register(i18n);
  const language = i18n.language;
  return useMemo(() => {
    type Translate = (key: string, values?: Record<string, unknown>) => string;
    // The app's i18next types know only the default namespace; this one is added at run time.
    const fixed = i18n.getFixedT as unknown as (language: string, namespace?: string) => Translate;
    const ours = fixed.call(i18n, language, MODELS_NS);
    const app = fixed.call(i18n, language);
    return {
      t: (key, values) => ours(key, values),
      dynamic: (key, fallback, values) => (i18n.exists(`${MODELS_NS}:${key}`) ? ours(key, values) : fallback),
      app,
      language,
    };
  }, [i18n, language]);
}
