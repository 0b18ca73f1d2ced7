/** The frame every project screen shares: breadcrumbs, and what shows when the project is missing. */
export { ProjectBreadcrumbs, type Crumb } from './ProjectBreadcrumbs';
export { ProjectUnavailable, type ProjectUnavailableProps } from './ProjectUnavailable';
