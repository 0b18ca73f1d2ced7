/** The dataset screens' strings: the `dataset` namespace, then the app's shared words (renderer/lib/featureLocales.ts). */
import { featureLocales } from '../../lib/featureLocales';
import en from './locales/en.json';
import ko from './locales/ko.json';

export const datasetText = featureLocales('dataset', { en, ko });
export const useDatasetT = datasetText.useT;
