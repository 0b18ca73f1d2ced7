import { useTranslation } from 'react-i18next';
import type { DatasetMetadata } from '../../api';
import { formatDateTime } from '../../lib/format';
import { datasetTone } from '../../lib/status';
import { CopyButton, Icon, StatusBadge } from '../../ui';

type DatasetType = DatasetMetadata['DatasetType'];
const TYPES: readonly DatasetType[] = ['TRAIN', 'TEST'];

/** The project's two datasets, or what each one is for while it does not exist yet. */
export function DatasetsPanel({ datasets }: { datasets: readonly DatasetMetadata[] }) {
  const { t } = useTranslation();
  return (
    <div className="datasets">
      <div className="section-intro">
        <h2 className="section-intro__title">
          {datasets.length > 0 ? t('project.datasets.title') : t('project.datasets.emptyTitle')}
        </h2>
        <p className="section-intro__body">{t('project.datasets.intro')}</p>
        {datasets.length === 0 ? <p className="section-intro__body">{t('project.datasets.emptyBody')}</p> : null}
      </div>
      <ul className="dataset-cards">
        {TYPES.map((type) => (
          <DatasetCard key={type} type={type} dataset={datasets.find((candidate) => candidate.DatasetType === type)} />
        ))}
      </ul>
    </div>
  );
}

function DatasetCard({ type, dataset }: { type: DatasetType; dataset: DatasetMetadata | undefined }) {
  const { t, i18n } = useTranslation();
  const title = t(`status.datasetType.${type}`);
  return (
    <li className={`dataset-card ${dataset ? '' : 'dataset-card--missing'}`} aria-label={title}>
      <div className="dataset-card__head">
        <span className={`dataset-card__icon ${dataset ? 'dataset-card__icon--active' : ''}`} aria-hidden="true">
          <Icon name={type === 'TRAIN' ? 'image' : 'flask'} size={20} />
        </span>
        <h3 className="dataset-card__title">{title}</h3>
        {dataset ? (
          <StatusBadge tone={datasetTone(dataset.Status)}>{t(`status.dataset.${dataset.Status}`)}</StatusBadge>
        ) : (
          <StatusBadge tone="neutral">{t('project.datasets.notCreated')}</StatusBadge>
        )}
      </div>
      <p className="dataset-card__purpose">
        {type === 'TRAIN' ? t('project.datasets.trainPurpose') : t('project.datasets.testPurpose')}
      </p>
      {dataset ? (
        <dl className="dataset-card__facts">
          <div>
            <dt>{t('project.datasets.created')}</dt>
            <dd className="tabular">{formatDateTime(dataset.CreationTimestamp, i18n.language)}</dd>
          </div>
          {dataset.StatusMessage ? (
            <div>
              <dt>{t('project.datasets.statusMessage')}</dt>
              <dd>{dataset.StatusMessage}</dd>
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
    </li>
  );
}
