import './i18n';

export { LabelingScreen } from './LabelingScreen';
