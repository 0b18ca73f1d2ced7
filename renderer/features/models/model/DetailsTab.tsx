import type { ReactNode } from 'react';
import { useQuery, type S3Location } from '../../../api';
import { formatDateTime } from '../../../lib/format';
import { CopyButton, DescriptionList, Panel, type DescriptionItem } from '../../../ui';
import { formatElapsed, providerName } from '../format';
import { useModelsT } from '../i18n';
import { localPathOf, s3Url } from '../locations';
import { hasEvaluation, versionNameOf } from '../versions';
import { ChoicesPanel } from './ChoicesPanel';
import type { ModelContext } from './modelContext';
import { VersionStatusBadge } from '../../../lib/VersionStatusBadge';
import { statusText } from '../../../lib/backendMessages';

/**
 * Everything DescribeProjectVersions says about the version, with its files' locations, and what
 * training chose by validation (DescribeEvaluation's Choices).
 */
export function DetailsTab({ model }: { model: ModelContext }) {
  const { t, app, language } = useModelsT();
  const mappings = useQuery('ListBucketMappings', {}, { live: false });
  const evaluation = useQuery('DescribeEvaluation', { ProjectVersionArn: model.version.ProjectVersionArn }, { enabled: hasEvaluation(model.version.Status), live: false });
  const choices = evaluation.data?.Choices;
  const { version } = model;
  const none = <span className="muted">{app('common.none')}</span>;
  const copy = (value: string, label: string) => (
    <CopyButton value={value} label={label} copiedLabel={app('common.copied')} failedLabel={app('common.copyFailed')} />
  );
  const location = (value: S3Location | undefined, label: string): ReactNode => {
    if (!value) return none;
    const local = localPathOf(mappings.data?.BucketMappings, value);
    return (
      <div className="file-location">
        <span className="file-location__line">
          <code>{s3Url(value)}</code>
          {copy(s3Url(value), t('details.copyS3', { what: label }))}
        </span>
        {local ? (
          <span className="file-location__line file-location__line--local">
            <code>{local}</code>
            {copy(local, t('details.copyPath', { what: label }))}
          </span>
        ) : null}
      </div>
    );
  };
  const units =
    version.MinInferenceUnits !== undefined
      ? version.MaxInferenceUnits !== undefined && version.MaxInferenceUnits !== version.MinInferenceUnits
        ? t('details.unitsRange', { min: version.MinInferenceUnits, max: version.MaxInferenceUnits })
        : t('details.units', { count: version.MinInferenceUnits })
      : none;

  const items: DescriptionItem[] = [
    { key: 'name', term: t('details.name'), value: <span className="mono">{model.versionName}</span> },
    { key: 'status', term: t('details.status'), value: <VersionStatusBadge status={version.Status} message={version.StatusMessage} /> },
    { key: 'message', term: t('details.statusMessage'), value: version.StatusMessage ? statusText(version.StatusMessage) : none },
    { key: 'description', term: t('details.description'), value: version.VersionDescription || none },
    { key: 'useCase', term: t('details.useCase'), value: version.UseCase ? t(`useCase.${version.UseCase}`) : none },
    { key: 'created', term: t('details.created'), value: <span className="tabular">{formatDateTime(version.CreationTimestamp, language)}</span> },
    {
      key: 'ended',
      term: t('details.trainingEnded'),
      value: version.TrainingEndTimestamp ? <span className="tabular">{formatDateTime(version.TrainingEndTimestamp, language)}</span> : none,
    },
    {
      key: 'trainedIn',
      term: t('details.trainedIn'),
      value: version.BillableTrainingTimeInSeconds !== undefined ? formatElapsed(version.BillableTrainingTimeInSeconds, language) : none,
    },
    { key: 'provider', term: t('details.provider'), value: version.ExecutionProvider ? providerName(version.ExecutionProvider) : none },
    { key: 'units', term: t('details.inferenceUnits'), value: units },
    {
      key: 'split',
      term: t('details.testData'),
      value: version.TestingDataResult?.Output?.AutoCreate ? t('details.autoSplit') : t('details.testDataset'),
    },
    ...(version.SourceProjectVersionArn
      ? [{ key: 'source', term: t('details.copiedFrom'), value: <span className="mono">{versionNameOf(version.SourceProjectVersionArn)}</span> }]
      : []),
    ...(version.KmsKeyId ? [{ key: 'kms', term: t('details.kmsKey'), value: <span className="mono">{version.KmsKeyId}</span> }] : []),
  ];
  const files: DescriptionItem[] = [
    {
      key: 'output',
      term: t('details.outputFolder'),
      value: version.OutputConfig
        ? location({ S3Object: { Bucket: version.OutputConfig.S3Bucket, Name: outputPrefix(version.OutputConfig.S3KeyPrefix, model.projectName, model.versionName) } }, t('details.outputFolder'))
        : none,
    },
    { key: 'summary', term: t('details.summaryFile'), value: location(version.EvaluationResult?.Summary, t('details.summaryFile')) },
    { key: 'manifestSummary', term: t('details.manifestSummary'), value: location(version.ManifestSummary, t('details.manifestSummary')) },
    {
      key: 'evaluationManifest',
      term: t('details.evaluationManifest'),
      value: location(version.TestingDataResult?.Output?.Assets[0]?.GroundTruthManifest, t('details.evaluationManifest')),
    },
    {
      key: 'trainValidation',
      term: t('details.trainingValidation'),
      value: location(version.TrainingDataResult?.Validation?.Assets[0]?.GroundTruthManifest, t('details.trainingValidation')),
    },
    {
      key: 'testValidation',
      term: t('details.testingValidation'),
      value: location(version.TestingDataResult?.Validation?.Assets[0]?.GroundTruthManifest, t('details.testingValidation')),
    },
  ];
  return (
    <div className="model-tab-stack">
      <Panel icon="model" title={t('details.title')}>
        <DescriptionList columns={2} items={items} />
      </Panel>
      {choices ? <ChoicesPanel choices={choices} /> : null}
      <Panel icon="folder" title={t('details.filesTitle')} description={t('details.filesDescription')}>
        <DescriptionList items={files} />
      </Panel>
    </div>
  );
}

/** Where the version's files are kept: `<prefix>/<project>/<version>/`, as training writes them. */
function outputPrefix(prefix: string, projectName: string, versionName: string): string {
  const clean = prefix.replace(/^\/+/, '');
  return `${clean}${clean && !clean.endsWith('/') ? '/' : ''}${projectName}/${versionName}/`;
}
