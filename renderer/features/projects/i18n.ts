/** The project list's strings: the `projects` namespace, then the app's shared words (renderer/lib/featureLocales.ts). */
import { featureLocales } from '../../lib/featureLocales';
import en from './locales/en.json';
import ko from './locales/ko.json';

export const projectsText = featureLocales('projects', { en, ko });
export const useProjectsT = projectsText.useT;
