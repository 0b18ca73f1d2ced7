import { useMutation, type ProjectSummary } from '../../api';
import { useDescribeError } from '../../lib/errors';
import { formatDateTime } from '../../lib/format';
import { datasetTone, isVersionBusy } from '../../lib/status';
import { Alert, Button, Dialog, ErrorAlert, Icon, StatusBadge, TypedConfirmationField, useTypedConfirmation } from '../../ui';
import './dialogs.css';
import { projectsText, useProjectsT } from './i18n';

export interface DeleteProjectDialogProps {
  project: Pick<ProjectSummary, 'ProjectArn' | 'ProjectName' | 'Datasets' | 'VersionCount' | 'LatestVersion'>;
  onClose: () => void;
  onDeleted: (name: string) => void;
}

/** The word the console asks for; the localized word is accepted too. */
const CONFIRM_WORD = 'delete';

/**
 * The console's delete (guide L10127–10166): lists what goes with the project, and deletes only
 * once the user types "delete". Models and datasets are removed with the project.
 */
export function DeleteProjectDialog({ project, onClose, onDeleted }: DeleteProjectDialogProps) {
  const { t, i18n } = useProjectsT();
  const describeError = useDescribeError();
  const remove = useMutation('DeleteProjectCascade');
  const word = t('deleteProject.confirmWord');
  const { typed, setTyped, isConfirmed } = useTypedConfirmation(CONFIRM_WORD, word);
  const hasDatasets = project.Datasets.length > 0;
  const hasModels = project.VersionCount > 0;
  const isBusy = project.LatestVersion ? isVersionBusy(project.LatestVersion.Status) : false;
  const buttonLabel = hasDatasets
    ? hasModels
      ? t('deleteProject.buttons.both')
      : t('deleteProject.buttons.datasets')
    : hasModels
      ? t('deleteProject.buttons.models')
      : t('deleteProject.buttons.project');

  const submit = async () => {
    if (!isConfirmed) return;
    try {
      await remove.run({ ProjectArn: project.ProjectArn });
      onDeleted(project.ProjectName);
    } catch {
      // remove.error is shown in the dialog.
    }
  };

  const datasets = [...project.Datasets].sort((a, b) => (a.DatasetType === b.DatasetType ? 0 : a.DatasetType === 'TRAIN' ? -1 : 1));

  return (
    <Dialog
      tone="danger"
      size="md"
      title={t('deleteProject.title')}
      description={
        <projectsText.Trans i18nKey="deleteProject.description" values={{ name: project.ProjectName }} components={{ strong: <strong /> }} />
      }
      closeLabel={t('common.close')}
      onClose={onClose}
      onSubmit={() => void submit()}
      isBusy={remove.isPending}
      footer={
        <>
          <Button onClick={onClose} disabled={remove.isPending}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" variant="danger" disabled={!isConfirmed} isBusy={remove.isPending}>
            {buttonLabel}
          </Button>
        </>
      }
    >
      <div className="dialog-stack">
        {hasDatasets || hasModels ? (
          <div className="delete-summary">
            <p className="delete-summary__lead">{t('deleteProject.willDelete')}</p>
            <ul className="delete-summary__list">
              {datasets.map((dataset) => (
                <li key={dataset.DatasetArn} className="delete-summary__item">
                  <Icon name="database" size={17} />
                  <span className="delete-summary__name">{t(`status.datasetType.${dataset.DatasetType}`)}</span>
                  <span className="delete-summary__meta">{formatDateTime(dataset.CreationTimestamp, i18n.language)}</span>
                  <StatusBadge tone={datasetTone(dataset.Status)}>{t(`status.dataset.${dataset.Status}`)}</StatusBadge>
                </li>
              ))}
              {hasModels ? (
                <li className="delete-summary__item">
                  <Icon name="model" size={17} />
                  <span className="delete-summary__name">{t('deleteProject.models', { count: project.VersionCount })}</span>
                </li>
              ) : null}
            </ul>
          </div>
        ) : (
          <p className="dialog-text">{t('deleteProject.nothingElse')}</p>
        )}
        {isBusy ? <Alert tone="warning">{t('deleteProject.busyNote')}</Alert> : null}
        <TypedConfirmationField
          label={t('deleteProject.confirmLabel', { word })}
          word={word}
          value={typed}
          onChange={(value) => {
            setTyped(value);
            remove.reset();
          }}
        />
        {remove.error ? <ErrorAlert {...describeError(remove.error)} /> : null}
      </div>
    </Dialog>
  );
}
