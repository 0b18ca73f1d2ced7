import type { SystemReport } from '../../../preload/contract';
import { useQuery } from '../../api';
import { useDescribeError } from '../../lib/errors';
import { Button, DescriptionList, ErrorAlert, Panel, StatusBadge } from '../../ui';
import { useSettingsT } from './i18n';

/** What this machine has for Loupe and what is in use: the DescribeSystem operation `loupe doctor` prints. */
export function SystemSection() {
  const { t } = useSettingsT();
  const describeError = useDescribeError();
  const report = useQuery('DescribeSystem', {}, { live: false });
  const data = report.data;

  return (
    <Panel
      icon="monitor"
      title={t('settings.system.title')}
      description={t('settings.system.description')}
      actions={
        <Button variant="secondary" size="sm" icon="refresh" onClick={report.refetch}>
          {t('settings.system.checkAgain')}
        </Button>
      }
    >
      {report.error && !data ? <ErrorAlert {...describeError(report.error)} /> : null}
      {data ? <SystemDetails report={data} /> : null}
    </Panel>
  );
}

function SystemDetails({ report }: { report: SystemReport }) {
  const { t } = useSettingsT();
  const providers = report.ExecutionProviders;
  const gib = (bytes: number) => t('settings.system.gib', { value: (bytes / 1024 ** 3).toFixed(1) });
  return (
    <div className="system-report">
      <DescriptionList
        items={[
          {
            key: 'runtime',
            term: t('settings.system.runtime'),
            value: (
              <span className="mono">
                Node {report.Runtime.Node}
                {report.Runtime.Electron ? ` · Electron ${report.Runtime.Electron}` : ''} · {report.Runtime.Platform} {report.Runtime.Arch}
              </span>
            ),
          },
          {
            key: 'sqlite',
            term: t('settings.system.sqlite'),
            value: (
              <ul className="system-report__list">
                {report.Sqlite.Builds.map((build) => (
                  <li key={build.Kind}>
                    <span className="system-report__name">{t(`settings.system.build.${build.Kind}`)}</span>{' '}
                    {build.InUse ? (
                      <StatusBadge tone="success">{t('settings.system.inUse')}</StatusBadge>
                    ) : build.Present ? (
                      <StatusBadge tone="neutral">{t('settings.system.present')}</StatusBadge>
                    ) : (
                      <StatusBadge tone="warning">{t('settings.system.missing')}</StatusBadge>
                    )}
                    <code className="system-report__path">{build.File}</code>
                    {build.BuiltFor ? <span className="system-report__note">{build.BuiltFor}</span> : null}
                  </li>
                ))}
              </ul>
            ),
          },
          {
            key: 'providers',
            term: t('settings.system.providers'),
            value: (
              <div>
                <p className="system-report__line">
                  <StatusBadge tone={providers.InUse === 'cpu' ? 'neutral' : 'success'}>
                    {t('settings.system.providerInUse', { provider: providers.InUse })}
                  </StatusBadge>{' '}
                  <span className="system-report__note">{t('settings.system.ladder', { ladder: providers.Ladder.join(' → ') })}</span>
                </p>
                {providers.FellBack.map((rung) => (
                  <p key={rung.Provider} className="system-report__note">
                    {t('settings.system.fellBack', { provider: rung.Provider, reason: rung.Reason })}
                  </p>
                ))}
                {providers.Cuda ? (
                  <p className="system-report__line">
                    {providers.Cuda.Present ? t('settings.system.cudaInstalled') : t('settings.system.cudaMissing')}{' '}
                    {!providers.Cuda.Present ? <code>npm run gpu:cuda</code> : null}
                  </p>
                ) : null}
              </div>
            ),
          },
          {
            key: 'home',
            term: t('settings.system.home'),
            value: (
              <div>
                <code className="system-report__path">{report.Home.Path}</code>{' '}
                {report.Home.Readable && report.Home.Writable ? (
                  <StatusBadge tone="success">{t('settings.system.homeOk')}</StatusBadge>
                ) : (
                  <StatusBadge tone="danger">{t('settings.system.homeNotWritable')}</StatusBadge>
                )}
                {report.Home.Mode ? <span className="system-report__note">{t('settings.system.mode', { mode: report.Home.Mode })}</span> : null}
              </div>
            ),
          },
          {
            key: 'disk',
            term: t('settings.system.disk'),
            value: t('settings.system.free', { free: gib(report.Disk.FreeBytes), total: gib(report.Disk.TotalBytes) }),
          },
        ]}
      />
    </div>
  );
}
