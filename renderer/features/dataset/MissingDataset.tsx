import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useQuery, type DatasetMetadata, type ProjectDescription } from '../../api';
import { createDatasetPath, datasetPath } from '../../lib/routes';
import { isDatasetBusy } from '../../lib/status';
import { Button, buttonClass, EmptyState, Icon } from '../../ui';
import { DistributeDialog } from './DistributeDialog';
import { JobsPanel } from './JobsPanel';
import { useDatasetT } from './i18n';

export interface MissingDatasetProps {
  project: ProjectDescription;
  projectName: string;
  type: DatasetMetadata['DatasetType'];
  train: DatasetMetadata | undefined;
}

/** A tab whose dataset does not exist yet: what it is for and how to make it. */
export function MissingDataset({ project, projectName, type, train }: MissingDatasetProps) {
  const { t } = useDatasetT();
  const navigate = useNavigate();
  const [isSplitting, setSplitting] = useState(false);
  const trainDescribed = useQuery('DescribeDataset', { DatasetArn: train?.DatasetArn ?? '' }, { enabled: type === 'TEST' && Boolean(train) });
  const trainImages = trainDescribed.data?.DatasetDescription.DatasetStats.TotalEntries ?? 0;
  const canSplit = type === 'TEST' && train !== undefined && trainImages > 0 && !isDatasetBusy(trainDescribed.data?.DatasetDescription.Status ?? train.Status);

  return (
    <div className="dataset-view">
      {train ? <JobsPanel datasetArns={[train.DatasetArn]} /> : null}
      <div className="dataset-shell">
        <EmptyState
          icon={type === 'TRAIN' ? 'image' : 'flask'}
          title={type === 'TRAIN' ? t('datasets.missing.trainTitle') : t('datasets.missing.testTitle')}
          actions={
            <>
              {canSplit ? (
                <Button variant="primary" icon="split" onClick={() => setSplitting(true)}>
                  {t('datasets.missing.split')}
                </Button>
              ) : null}
              <Link className={buttonClass(canSplit ? 'secondary' : 'primary')} to={createDatasetPath(projectName)}>
                <Icon name="plus" size={18} />
                {t('datasets.create')}
              </Link>
            </>
          }
        >
          <p>{type === 'TRAIN' ? t('project.datasets.trainPurpose') : t('project.datasets.testPurpose')}</p>
          {canSplit ? <p>{t('datasets.missing.splitHint')}</p> : null}
        </EmptyState>
      </div>
      {isSplitting && train ? (
        <DistributeDialog
          projectArn={project.ProjectArn}
          train={train}
          test={undefined}
          onClose={() => setSplitting(false)}
          onDone={() => {
            setSplitting(false);
            void navigate(datasetPath(projectName, 'test'));
          }}
        />
      ) : null}
    </div>
  );
}
