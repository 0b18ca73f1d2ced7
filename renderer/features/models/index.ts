import './i18n';
import './models.css';

export { TestResultsScreen } from './evaluate/TestResultsScreen';
export { KioskPinSection } from './kiosk/KioskPinSection';
export { KioskScreen } from './kiosk/KioskScreen';
export { ModelsList } from './list/ModelsList';
export { TrainModelLink } from './list/TrainModelLink';
export { ModelScreen } from './model/ModelScreen';
export { TrainScreen } from './train/TrainScreen';
