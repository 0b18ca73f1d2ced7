import { useState, type ReactNode } from 'react';
import { useQuery } from '../../api';
import { useDescribeError } from '../../lib/errors';
import { Button, CodeBlock, CopyButton, ErrorAlert, Panel } from '../../ui';
import { settingsText, useSettingsT } from './i18n';

const MASK = '•'.repeat(24);

/** The keys AWS SDKs and the AWS CLI sign with, and the endpoint to point them at. */
export function ApiCredentialsSection() {
  const { t } = useSettingsT();
  const describeError = useDescribeError();
  const credentials = useQuery('GetApiCredentials', {}, { live: false });
  const [isRevealed, setRevealed] = useState(false);
  const data = credentials.data;

  const copy = (value: string, label: string) => (
    <CopyButton value={value} label={label} copiedLabel={t('common.copied')} failedLabel={t('common.copyFailed')} />
  );

  let body: ReactNode;
  if (credentials.error && !data) {
    body = <ErrorAlert {...describeError(credentials.error)} />;
  } else if (!data) {
    body = (
      <div className="credential-rows" aria-hidden="true">
        <span className="skeleton" style={{ width: '50%' }} />
        <span className="skeleton" style={{ width: '40%' }} />
      </div>
    );
  } else {
    const command = `aws rekognition describe-projects --endpoint-url ${data.Endpoint ?? t('settings.api.endpointPlaceholder')} --region ${data.Region}`;
    body = (
      <>
        <dl className="credential-rows">
          <div className="credential-row">
            <dt>{t('settings.api.endpoint')}</dt>
            <dd>
              {data.Endpoint ? (
                <>
                  <code className="credential-value">{data.Endpoint}</code>
                  {copy(data.Endpoint, t('settings.api.copyEndpoint'))}
                </>
              ) : (
                <span className="muted rich">
                  <settingsText.Trans i18nKey="settings.api.notServing" components={{ code: <code /> }} />
                </span>
              )}
            </dd>
          </div>
          <div className="credential-row">
            <dt>{t('settings.api.accessKeyId')}</dt>
            <dd>
              <code className="credential-value">{data.AccessKeyId}</code>
              {copy(data.AccessKeyId, t('settings.api.copyAccessKeyId'))}
            </dd>
          </div>
          <div className="credential-row">
            <dt>{t('settings.api.secretAccessKey')}</dt>
            <dd>
              <code className={`credential-value ${isRevealed ? '' : 'is-masked'}`} aria-label={isRevealed ? undefined : t('settings.api.secretAccessKey')}>
                {isRevealed ? data.SecretAccessKey : MASK}
              </code>
              <Button
                variant="ghost"
                size="sm"
                icon={isRevealed ? 'eyeOff' : 'eye'}
                aria-label={isRevealed ? t('settings.api.hide') : t('settings.api.show')}
                title={isRevealed ? t('settings.api.hide') : t('settings.api.show')}
                aria-pressed={isRevealed}
                onClick={() => setRevealed((value) => !value)}
              />
              {copy(data.SecretAccessKey, t('settings.api.copySecretAccessKey'))}
            </dd>
          </div>
          <div className="credential-row">
            <dt>{t('settings.api.region')}</dt>
            <dd>
              <code className="credential-value">{data.Region}</code>
            </dd>
          </div>
        </dl>
        <div className="cli-example">
          <CodeBlock
            label={t('settings.api.cliTitle')}
            code={command}
            actions={
              <CopyButton
                value={command}
                label={t('settings.api.copyCommand')}
                copiedLabel={t('common.copied')}
                failedLabel={t('common.copyFailed')}
              />
            }
          />
          <p className="cli-example__hint rich">
            <settingsText.Trans i18nKey="settings.api.cliHint" components={{ code: <code /> }} />
          </p>
        </div>
      </>
    );
  }

  return (
    <Panel icon="key" title={t('settings.api.title')} description={t('settings.api.description')}>
      {body}
    </Panel>
  );
}
