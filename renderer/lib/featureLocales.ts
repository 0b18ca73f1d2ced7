/**
 * A feature's own strings: an i18next namespace (the feature's locales/en.json and ko.json, with the
 * same keys; test/renderer/unit/locales.test.ts checks that) added to the app's instance when the
 * feature's module loads. Its `t` looks a key up in the feature's namespace first, then in the
 * app's (renderer/app/locales: the words several screens share, such as `common.*` and `status.*`),
 * so a key is written the same wherever it lives.
 */
import type { i18n as I18n } from 'i18next';
import { createElement, useMemo, type ComponentProps, type ReactElement } from 'react';
import { getI18n, Trans, useTranslation } from 'react-i18next';
import type appEn from '../app/locales/en.json';

type PluralSuffix = '_zero' | '_one' | '_two' | '_few' | '_many' | '_other';
type WithoutPlural<K extends string> = K extends `${infer Base}${PluralSuffix}` ? Base : K;
/** The dotted keys of a locale file, plural suffixes folded (`count_one` → `count`). */
export type KeyPaths<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${WithoutPlural<K>}` : KeyPaths<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

/** A key of the app's shared namespace. */
export type AppKey = KeyPaths<typeof appEn>;

type Translate = (key: string, values?: Record<string, unknown>) => string;

export interface FeatureText<Key extends string> {
  t: (key: Key | AppKey, values?: Record<string, unknown>) => string;
  /** A key built at run time: whether the feature's namespace or the app's has it. */
  exists: (key: string) => boolean;
  i18n: I18n;
  language: string;
}

export interface FeatureLocales<Key extends string> {
  ns: string;
  /** `t` for the feature's components; re-renders when the language changes. */
  useT(): FeatureText<Key>;
  /** Outside components: `t` in the instance's current language. */
  t: FeatureText<Key>['t'];
  exists: (key: string) => boolean;
  /** `<Trans>` over the feature's namespace, then the app's. */
  Trans(props: Omit<ComponentProps<typeof Trans>, 'ns' | 'i18nKey'> & { i18nKey: Key | AppKey }): ReactElement;
}

/** Add a namespace's English and Korean bundles to an i18next instance (once). */
export function registerLocales(instance: I18n | undefined, ns: string, bundles: { en: object; ko: object }): void {
  if (!instance) return;
  for (const [language, bundle] of Object.entries(bundles)) {
    if (!instance.hasResourceBundle(language, ns)) instance.addResourceBundle(language, ns, bundle, true, false);
  }
}

export function featureLocales<En extends object>(ns: string, bundles: { en: En; ko: object }): FeatureLocales<KeyPaths<En>> {
  const namespaces = [ns, 'translation'];
  const register = (instance: I18n | undefined) => registerLocales(instance, ns, bundles);
  register(getI18n());
  // The app's i18next types know only its own namespace; this one is added at run time.
  const fixed = (instance: I18n, language: string): Translate =>
    (instance.getFixedT as unknown as (language: string, namespaces: string[]) => Translate).call(instance, language, namespaces);
  const exists = (instance: I18n, key: string) => instance.exists(key, { ns: namespaces } as never);
  return {
    ns,
    useT() {
      const { i18n } = useTranslation();
      register(i18n);
      const language = i18n.language;
      return useMemo(() => {
        const t = fixed(i18n, language);
        return { t: (key, values) => t(key, values), exists: (key) => exists(i18n, key), i18n, language };
      }, [i18n, language]);
    },
    t: (key, values) => fixed(getI18n(), getI18n().language)(key, values),
    exists: (key) => exists(getI18n(), key),
    Trans: (props) => createElement(Trans, { ...(props as ComponentProps<typeof Trans>), ns: namespaces } as ComponentProps<typeof Trans>),
  };
}
