/** The settings screen's strings: the `settings` namespace, then the app's shared words (renderer/lib/featureLocales.ts). */
import { featureLocales } from '../../lib/featureLocales';
import en from './locales/en.json';
import ko from './locales/ko.json';

export const settingsText = featureLocales('settings', { en, ko });
export const useSettingsT = settingsText.useT;
