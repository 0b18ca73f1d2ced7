/**
 * i18next setup. The words several screens share live in locales/en.json and locales/ko.json; each
 * feature adds its own namespace (renderer/lib/featureLocales.ts, the features' locales/ folders).
 * English and Korean carry the same keys (test/renderer/locales.spec.ts checks every folder). The
 * language comes from GetSettings at start-up; before that (the sign-in screen) the browser's
 * language decides.
 */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Language } from '../api';
import en from './locales/en.json';
import ko from './locales/ko.json';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en };
  }
}

export const languages: readonly Language[] = ['en', 'ko'];

export function isLanguage(value: string): value is Language {
  return (languages as readonly string[]).includes(value);
}

function browserLanguage(): Language {
  return navigator.language.toLowerCase().startsWith('ko') ? 'ko' : 'en';
}

export const i18n = i18next.createInstance();

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, ko: { translation: ko } },
  lng: browserLanguage(),
  fallbackLng: 'en',
  supportedLngs: languages,
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
  showSupportNotice: false,
});

function reflectLanguage(language: string): void {
  document.documentElement.lang = language;
}
reflectLanguage(i18n.language);
i18n.on('languageChanged', reflectLanguage);
