export { ProjectScreen } from './ProjectScreen';
export { ProjectUnavailable, type ProjectUnavailableProps } from './ProjectUnavailable';
