import { useQuery } from '../../api';
import { useDescribeError } from '../../lib/errors';
import { CopyButton, DescriptionList, ErrorAlert, Panel } from '../../ui';
import { useSettingsT } from './i18n';

/** Versions and where Loupe keeps its data: what a bug report needs. */
export function AboutSection() {
  const { t } = useSettingsT();
  const describeError = useDescribeError();
  const info = useQuery('GetAppInfo', {}, { live: false });
  const data = info.data;

  return (
    <Panel icon="info" title={t('settings.about.title')} description={t('settings.about.description')}>
      {info.error && !data ? <ErrorAlert {...describeError(info.error)} /> : null}
      {data ? (
        <div className="about">
          <DescriptionList
            columns={2}
            items={[
              { key: 'version', term: t('settings.about.version'), value: <span className="mono">{data.Version}</span> },
              { key: 'platform', term: t('settings.about.platform'), value: <span className="mono">{data.Platform}</span> },
            ]}
          />
          <DescriptionList
            items={[
              {
                key: 'home',
                term: t('settings.about.home'),
                value: (
                  <>
                    <code className="credential-value">{data.Home}</code>
                    <CopyButton
                      value={data.Home}
                      label={t('settings.about.copyHome')}
                      copiedLabel={t('common.copied')}
                      failedLabel={t('common.copyFailed')}
                    />
                  </>
                ),
              },
            ]}
          />
          {Object.keys(data.Versions).length > 0 ? (
            <div className="about__components">
              <h3 className="about__heading">{t('settings.about.components')}</h3>
              <ul className="version-chips">
                {Object.entries(data.Versions)
                  .sort(([a], [b]) => a.localeCompare(b))
                  .map(([name, version]) => (
                    <li key={name} className="version-chip">
                      <span className="version-chip__name">{name}</span>
                      <span className="version-chip__version">{version}</span>
                    </li>
                  ))}
              </ul>
            </div>
          ) : null}
        </div>
      ) : null}
    </Panel>
  );
}
