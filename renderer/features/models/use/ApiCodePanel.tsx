import { useState } from 'react';
import { transportKind, useQuery } from '../../../api';
import { Alert, CodeBlock, CopyButton, Panel, SegmentedControl } from '../../../ui';
import { useModelsT, type ModelsKey } from '../i18n';
import type { ModelContext } from '../model/modelContext';
import { snippet, type SnippetLanguage, type SnippetOperation } from './snippets';

/** Where `loupe serve` listens by default (the CLI's --port). */
export const DEFAULT_ENDPOINT = 'http://127.0.0.1:7800';

const OPERATIONS: { key: SnippetOperation; title: ModelsKey }[] = [
  { key: 'start', title: 'api.start' },
  { key: 'detect', title: 'api.detect' },
  { key: 'stop', title: 'api.stop' },
];

/** Ready-to-run code for this model: AWS CLI, AWS SDK for JavaScript v3, boto3. */
export function ApiCodePanel({ model, minUnits, maxUnits }: { model: ModelContext; minUnits: number; maxUnits: number | undefined }) {
  const { t, app } = useModelsT();
  const [language, setLanguage] = useState<SnippetLanguage>('cli');
  const credentials = useQuery('GetApiCredentials', {}, { live: false });
  const mappings = useQuery('ListBucketMappings', {}, { live: false });
  const endpoint = credentials.data?.Endpoint ?? DEFAULT_ENDPOINT;
  const region = credentials.data?.Region ?? 'us-east-1';
  const userBucket = mappings.data?.BucketMappings.find((mapping) => mapping.Bucket !== 'loupe-output')?.Bucket;
  const context = {
    projectArn: model.projectArn,
    versionArn: model.version.ProjectVersionArn,
    versionName: model.versionName,
    endpoint,
    region,
    minUnits,
    maxUnits,
    bucket: userBucket ?? 'my-images',
    key: 'photos/image.jpg',
    localFile: 'image.jpg',
  };
  return (
    <Panel
      icon="code"
      title={t('api.title')}
      description={t('api.description')}
      actions={
        <SegmentedControl<SnippetLanguage>
          label={t('api.language')}
          value={language}
          onChange={setLanguage}
          segments={[
            { value: 'cli', label: t('api.cli') },
            { value: 'javascript', label: t('api.javascript') },
            { value: 'python', label: t('api.python') },
          ]}
        />
      }
    >
      <div className="api-code">
        {credentials.data && !credentials.data.Endpoint ? (
          <Alert tone="info" title={t('api.notServingTitle')}>
            {transportKind === 'bridge' ? t('api.notServingApp', { endpoint: DEFAULT_ENDPOINT }) : t('api.notServing', { endpoint: DEFAULT_ENDPOINT })}
          </Alert>
        ) : null}
        <p className="api-code__hint">{t('api.credentials')}</p>
        {!userBucket ? <p className="api-code__hint">{t('api.bucketHint')}</p> : null}
        {OPERATIONS.map((operation) => {
          const code = snippet(language, operation.key, context);
          return (
            <CodeBlock
              key={operation.key}
              label={t(operation.title)}
              code={code}
              actions={<CopyButton value={code} label={t('api.copy', { what: t(operation.title) })} copiedLabel={app('common.copied')} failedLabel={app('common.copyFailed')} />}
            />
          );
        })}
      </div>
    </Panel>
  );
}
