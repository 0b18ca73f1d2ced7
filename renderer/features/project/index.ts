export { ProjectScreen } from './ProjectScreen';
export { ProjectUnavailable, type ProjectUnavailableProps } from './ProjectUnavailable';
export { ProjectBreadcrumbs, type Crumb } from './ProjectBreadcrumbs';
