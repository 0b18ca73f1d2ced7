import { Link } from 'react-router-dom';
import { useQuery, type DatasetMetadata } from '../../api';
import { formatCount, formatDateTime } from '../../lib/format';
import { createDatasetPath, datasetPath, datasetSlug } from '../../lib/routes';
import { datasetTone } from '../../lib/status';
import { buttonClass, CopyButton, Icon, StatusBadge } from '../../ui';
import { JobsPanel } from '../dataset';
import { statusText } from '../../lib/backendMessages';
import { useProjectT } from './i18n';

type DatasetType = DatasetMetadata['DatasetType'];
const TYPES: readonly DatasetType[] = ['TRAIN', 'TEST'];

export interface DatasetsPanelProps {
  projectName: string;
  datasets: readonly DatasetMetadata[];
}

/** The project's two datasets with their numbers, or what each one is for while it does not exist yet. */
export function DatasetsPanel({ projectName, datasets }: DatasetsPanelProps) {
  const { t } = useProjectT();
  const isMissingOne = datasets.length < TYPES.length;
  return (
    <div className="datasets">
      <div className="section-intro section-intro--with-action">
        <div>
          <h2 className="section-intro__title">
            {datasets.length > 0 ? t('project.datasets.title') : t('project.datasets.emptyTitle')}
          </h2>
          <p className="section-intro__body">{t('project.datasets.intro')}</p>
          {datasets.length === 0 ? <p className="section-intro__body">{t('project.datasets.emptyBody')}</p> : null}
        </div>
        {isMissingOne ? (
          <Link className={buttonClass(datasets.length === 0 ? 'primary' : 'secondary')} to={createDatasetPath(projectName)}>
            <Icon name="plus" size={18} />
            {t('project.datasets.create')}
          </Link>
        ) : null}
      </div>
      {datasets.length > 0 ? (
        <div className="datasets__jobs">
          <JobsPanel datasetArns={datasets.map((dataset) => dataset.DatasetArn)} />
        </div>
      ) : null}
      <ul className="dataset-cards">
        {TYPES.map((type) => (
          <DatasetCard
            key={type}
            projectName={projectName}
            type={type}
            dataset={datasets.find((candidate) => candidate.DatasetType === type)}
          />
        ))}
      </ul>
      <p className="datasets__drop-hint">
        <Icon name="upload" size={15} />
        {t('project.datasets.dropHint')}
      </p>
    </div>
  );
}

function DatasetCard({ projectName, type, dataset }: { projectName: string; type: DatasetType; dataset: DatasetMetadata | undefined }) {
  const { t, i18n } = useProjectT();
  const title = t(`status.datasetType.${type}`);
  const path = datasetPath(projectName, datasetSlug(type));
  return (
    <li className={`dataset-card ${dataset ? '' : 'dataset-card--missing'}`} aria-label={title}>
      <div className="dataset-card__head">
        <span className={`dataset-card__icon ${dataset ? 'dataset-card__icon--active' : ''}`} aria-hidden="true">
          <Icon name={type === 'TRAIN' ? 'image' : 'flask'} size={20} />
        </span>
        <h3 className="dataset-card__title">{dataset ? <Link to={path}>{title}</Link> : title}</h3>
        {dataset ? (
          <StatusBadge tone={datasetTone(dataset.Status)}>{t(`status.dataset.${dataset.Status}`)}</StatusBadge>
        ) : (
          <StatusBadge tone="neutral">{t('project.datasets.notCreated')}</StatusBadge>
        )}
      </div>
      <p className="dataset-card__purpose">
        {type === 'TRAIN' ? t('project.datasets.trainPurpose') : t('project.datasets.testPurpose')}
      </p>
      {dataset ? <DatasetNumbers datasetArn={dataset.DatasetArn} /> : null}
      {dataset ? (
        <dl className="dataset-card__facts">
          <div>
            <dt>{t('project.datasets.created')}</dt>
            <dd className="tabular">{formatDateTime(dataset.CreationTimestamp, i18n.language)}</dd>
          </div>
          {dataset.StatusMessage ? (
            <div>
              <dt>{t('project.datasets.statusMessage')}</dt>
              <dd>{statusText(dataset.StatusMessage)}</dd>
            </div>
          ) : null}
          <div>
            <dt>{t('project.arn')}</dt>
            <dd className="dataset-card__arn">
              <code>{dataset.DatasetArn}</code>
              <CopyButton
                value={dataset.DatasetArn}
                label={t('project.datasets.copyArn')}
                copiedLabel={t('common.copied')}
                failedLabel={t('common.copyFailed')}
              />
            </dd>
          </div>
        </dl>
      ) : null}
      <div className="dataset-card__footer">
        {dataset ? (
          <Link className={buttonClass('secondary', 'sm')} to={path} aria-label={t('project.datasets.openLabel', { type: title })}>
            {t('project.datasets.open')}
            <Icon name="chevronRight" size={14} />
          </Link>
        ) : (
          <Link className={buttonClass('secondary', 'sm')} to={createDatasetPath(projectName)}>
            <Icon name="plus" size={14} />
            {t('project.datasets.createMissing')}
          </Link>
        )}
      </div>
    </li>
  );
}

/** Images, labeled images, labels and images with errors, from DescribeDataset. */
function DatasetNumbers({ datasetArn }: { datasetArn: string }) {
  const { t, i18n } = useProjectT();
  const described = useQuery('DescribeDataset', { DatasetArn: datasetArn });
  const stats = described.data?.DatasetDescription.DatasetStats;
  const value = (count: number | undefined) => (count === undefined ? '–' : formatCount(count, i18n.language));
  return (
    <dl className="dataset-card__numbers">
      <div>
        <dt>{t('project.datasets.images')}</dt>
        <dd className="tabular">{value(stats?.TotalEntries)}</dd>
      </div>
      <div>
        <dt>{t('project.datasets.labeled')}</dt>
        <dd className="tabular">{value(stats?.LabeledEntries)}</dd>
      </div>
      <div>
        <dt>{t('project.datasets.labels')}</dt>
        <dd className="tabular">{value(stats?.TotalLabels)}</dd>
      </div>
      <div className={stats && stats.ErrorEntries > 0 ? 'is-danger' : undefined}>
        <dt>{t('project.datasets.withErrors')}</dt>
        <dd className="tabular">{value(stats?.ErrorEntries)}</dd>
      </div>
    </dl>
  );
}
