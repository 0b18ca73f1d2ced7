export { DeleteProjectDialog, type DeleteProjectDialogProps } from './DeleteProjectDialog';
export { ProjectsScreen } from './ProjectsScreen';
