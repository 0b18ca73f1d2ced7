import { useTranslation } from 'react-i18next';
import type { ProjectSummary } from '../../api';
import { formatScore } from '../../lib/format';
import { versionTone } from '../../lib/status';
import { DescriptionList, EmptyState, StatusBadge } from '../../ui';

/** The project's models: for now the newest version, or an explanation of how models appear. */
export function ModelsPanel({ summary }: { summary: ProjectSummary | undefined }) {
  const { t, i18n } = useTranslation();
  const latest = summary?.LatestVersion;
  if (!summary || summary.VersionCount === 0 || !latest) {
    return (
      <div className="project-card">
        <EmptyState icon="model" title={t('project.models.emptyTitle')}>
          <p>{t('project.models.emptyBody')}</p>
        </EmptyState>
      </div>
    );
  }
  return (
    <div className="models">
      <div className="section-intro">
        <h2 className="section-intro__title">{t('project.models.latest')}</h2>
        <p className="section-intro__body">{t('project.models.count', { count: summary.VersionCount })}</p>
      </div>
      <div className="project-card project-card--padded">
        <DescriptionList
          columns={2}
          items={[
            { key: 'version', term: t('project.models.version'), value: <span className="mono">{latest.VersionName}</span> },
            {
              key: 'status',
              term: t('project.models.status'),
              value: <StatusBadge tone={versionTone(latest.Status)}>{t(`status.version.${latest.Status}`)}</StatusBadge>,
            },
            {
              key: 'performance',
              term: t('project.models.performance'),
              value:
                latest.F1Score !== undefined ? (
                  <span className="tabular score">{formatScore(latest.F1Score, i18n.language)}</span>
                ) : (
                  <span className="muted">{t('common.notAvailable')}</span>
                ),
            },
            {
              key: 'message',
              term: t('project.models.statusMessage'),
              value: latest.StatusMessage || <span className="muted">{t('common.none')}</span>,
            },
          ]}
        />
      </div>
    </div>
  );
}
