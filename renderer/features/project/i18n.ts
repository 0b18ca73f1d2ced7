/** The project screen's strings: the `project` namespace, then the app's shared words (renderer/lib/featureLocales.ts). */
import { featureLocales } from '../../lib/featureLocales';
import en from './locales/en.json';
import ko from './locales/ko.json';

export const projectText = featureLocales('project', { en, ko });
export const useProjectT = projectText.useT;
