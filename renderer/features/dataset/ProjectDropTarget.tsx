import type { ReactNode } from 'react';
import { useNavigate } from 'react-router-dom';
import { call, invalidateQueries, type ProjectDescription } from '../../api';
import { datasetPath, datasetSlug } from '../../lib/routes';
import { DropImportTarget, useAutoLabelDrops, type DropTarget } from './DropImportTarget';
import { useDatasetT } from './i18n';

/**
 * Drops on the project page: into either dataset (a zone each), or, while the project has none,
 * into a new training dataset, whose page then opens.
 */
export function ProjectDropTarget({ project, projectName, children }: { project: ProjectDescription; projectName: string; children: ReactNode }) {
  const { t } = useDatasetT();
  const navigate = useNavigate();
  const autoLabel = useAutoLabelDrops();
  const hint = autoLabel ? t('drop.hintLabels') : t('drop.hintNoLabels');
  const datasets = [...project.Datasets].sort((a, b) => (a.DatasetType === b.DatasetType ? 0 : a.DatasetType === 'TRAIN' ? -1 : 1));
  const targets: DropTarget[] =
    datasets.length > 0
      ? datasets.map((dataset) => ({
          key: dataset.DatasetArn,
          title: t('drop.into', { target: t(`status.datasetType.${dataset.DatasetType}`) }),
          name: t(`status.datasetType.${dataset.DatasetType}`),
          hint,
          datasetArn: () => Promise.resolve(dataset.DatasetArn),
        }))
      : [
          {
            key: 'new-train',
            title: t('drop.createTrain'),
            name: t('status.datasetType.TRAIN'),
            hint,
            datasetArn: async () => {
              const { DatasetArn } = await call('CreateDataset', { ProjectArn: project.ProjectArn, DatasetType: 'TRAIN' });
              invalidateQueries();
              void navigate(datasetPath(projectName, datasetSlug('TRAIN')));
              return DatasetArn;
            },
          },
        ];
  return <DropImportTarget targets={targets}>{children}</DropImportTarget>;
}
