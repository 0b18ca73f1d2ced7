/**
 * The labeling screens' strings: their own i18next namespace (`labeling`), added to the app's
 * instance when this module loads (or, at the latest, when a labeling screen first renders), so
 * the app's locale files stay as they are. English and Korean have the same keys (checked by the
 * unit tests).
 */
import type { i18n as I18n } from 'i18next';
import { useMemo } from 'react';
import { getI18n, useTranslation } from 'react-i18next';
import { registerLocales, type KeyPaths } from '../../lib/featureLocales';
import en from './locales/en.json';
import ko from './locales/ko.json';

export const LABELING_NS = 'labeling';

/** Every key of the labeling namespace, e.g. `grid.selected`. */
export type LabelingKey = KeyPaths<typeof en>;
export type LabelingT = (key: LabelingKey, values?: Record<string, unknown>) => string;

export function registerLabelingLocales(instance: I18n | undefined): void {
  registerLocales(instance, LABELING_NS, { en, ko });
}

registerLabelingLocales(getI18n());

/** `t` for the labeling namespace; re-renders when the language changes. */
export function useLabelingT(): { t: LabelingT; language: string; translate: (key: string, values?: Record<string, unknown>) => string } {
  const { i18n } = useTranslation();
  registerLabelingLocales(i18n);
  const language = i18n.language;
  return useMemo(() => {
    type Translate = (key: string, values?: Record<string, unknown>) => string;
    // The app's i18next types know only its own namespace; this one is added at run time.
    const getFixedT = i18n.getFixedT.bind(i18n) as unknown as (language: string, namespace?: string) => Translate;
    const fixed = getFixedT(language, LABELING_NS);
    const any = getFixedT(language);
    return { t: (key, values) => fixed(key, values), language, translate: (key, values) => any(key, values) };
  }, [i18n, language]);
}
