import { useState } from 'react';
import { call, type Job } from '../../api';
import { backendText } from '../../lib/backendMessages';
import { useDescribeError } from '../../lib/errors';
import { formatCount, formatDuration, formatRate } from '../../lib/format';
import { isJobActive, jobTone } from '../../lib/status';
import { Button, Icon, ProgressBar, StatusBadge, useToast } from '../../ui';
import { dismissActivity, useActivities, type Activity, type ClientTask } from './jobStore';
import { datasetText, useDatasetT } from './i18n';

/**
 * The datasets' running imports, copies and exports, and how the last ones ended. A finished one
 * takes one line, and only the latest shows until asked (issue 15: finished cards piled up above
 * the gallery and pushed it out of the window).
 */
export function JobsPanel({ datasetArns }: { datasetArns: readonly string[] }) {
  const { t } = useDatasetT();
  const activities = useActivities(datasetArns);
  const [showsAll, setShowsAll] = useState(false);
  if (activities.length === 0) return null;
  const active = activities.filter((activity) => isJobActive(statusOf(activity)));
  const ended = activities.filter((activity) => !isJobActive(statusOf(activity)));
  const shown = [...active, ...(showsAll ? ended : ended.slice(0, 1))];
  const hidden = ended.length - (showsAll ? ended.length : Math.min(1, ended.length));
  return (
    <section className="jobs" aria-label={t('jobs.title')}>
      <ul className="jobs__list">
        {shown.map((activity) =>
          activity.type === 'job' ? <JobItem key={activity.key} job={activity.job} activity={activity} /> : <TaskItem key={activity.key} task={activity.task} activity={activity} />,
        )}
      </ul>
      {hidden > 0 || (showsAll && ended.length > 1) ? (
        <Button size="sm" variant="ghost" className="jobs__more" onClick={() => setShowsAll(!showsAll)}>
          {showsAll ? t('jobs.showLatest') : t('jobs.showEarlier', { count: hidden })}
        </Button>
      ) : null}
    </section>
  );
}

function statusOf(activity: Activity): Job['Status'] {
  return activity.type === 'job' ? activity.job.Status : activity.task.status;
}

function phaseText(phase: string | undefined): string | undefined {
  if (!phase) return undefined;
  const key = `jobs.phases.${phase.replace(/\s+(\w)/g, (_, letter: string) => letter.toUpperCase())}`;
  return datasetText.exists(key) ? datasetText.t(key as 'jobs.phases.saving') : phase;
}

function kindText(kind: string): string {
  const format = /^(Import|Export)(MANIFEST|COCO|VOC|YOLO|CSV)$/.exec(kind);
  const { t, exists } = datasetText;
  if (format) return t(format[1] === 'Import' ? 'jobs.kinds.importFormat' : 'jobs.kinds.exportFormat', { format: format[2] });
  const key = `jobs.kinds.${kind}`;
  return exists(key) ? t(key as 'jobs.kinds.other') : t('jobs.kinds.other');
}

function JobItem({ job, activity }: { job: Job; activity: Activity }) {
  const { t, i18n } = useDatasetT();
  const toast = useToast();
  const describeError = useDescribeError();
  const [isCancelling, setCancelling] = useState(false);
  const language = i18n.language;
  const active = isJobActive(job.Status);
  const title = kindText(job.Kind);
  const message = job.Message ? backendText(job.MessageCode, job.MessageParams, job.Message) : undefined;
  const value = job.Total ? (job.Done ?? 0) / job.Total : job.Progress > 0 ? job.Progress : active ? undefined : 1;

  const facts: string[] = [];
  if (active) {
    const phase = phaseText(job.Phase);
    if (phase) facts.push(phase);
    if (job.Total !== undefined) facts.push(t('jobs.count', { done: formatCount(job.Done ?? 0, language), total: formatCount(job.Total, language) }));
    if (job.Rate !== undefined && job.Rate > 0) facts.push(t('jobs.rate', { rate: formatRate(job.Rate, language) }));
    if (job.EtaSeconds !== undefined && job.EtaSeconds > 0) facts.push(t('jobs.eta', { time: formatDuration(job.EtaSeconds, language) }));
  }

  const cancel = async () => {
    setCancelling(true);
    try {
      await call('CancelJob', { JobId: job.JobId });
    } catch (error) {
      setCancelling(false);
      toast.show(describeError(error).title, 'danger');
    }
  };

  return (
    <li className={`job job--${job.Status} ${active ? '' : 'job--ended'}`} aria-label={title}>
      <div className="job__head">
        <span className="job__icon" aria-hidden="true">
          <Icon name={job.Kind.startsWith('Export') ? 'download' : 'upload'} size={16} />
        </span>
        <span className="job__title">{title}</span>
        <StatusBadge tone={jobTone(job.Status)}>{t(`jobs.status.${job.Status}`)}</StatusBadge>
        {active ? <span className="job__spacer" /> : (
          <p className={`job__message ${job.Status === 'failed' ? 'is-danger' : ''}`} role="status" title={message || undefined}>
            {job.Status === 'failed' ? <strong>{t('jobs.failed')} </strong> : null}
            {job.Status === 'cancelled' ? t('jobs.cancelled') : message || t('jobs.finished')}
          </p>
        )}
        {active ? (
          <Button size="sm" icon="stop" onClick={() => void cancel()} isBusy={isCancelling}>
            {t('jobs.cancel')}
          </Button>
        ) : (
          <Button
            size="sm"
            variant="ghost"
            icon="close"
            aria-label={t('jobs.dismiss', { title })}
            title={t('jobs.dismiss', { title })}
            onClick={() => dismissActivity(activity.key)}
          />
        )}
      </div>
      {active ? (
        <>
          <ProgressBar value={value} label={t('jobs.progressLabel', { title })} />
          {facts.length > 0 ? <p className="job__facts tabular">{facts.join(' · ')}</p> : null}
        </>
      ) : null}
    </li>
  );
}

function TaskItem({ task, activity }: { task: ClientTask; activity: Activity }) {
  const { t, i18n } = useDatasetT();
  const describeError = useDescribeError();
  const active = isJobActive(task.status);
  const title = t(`jobs.tasks.${task.kind}.title`);
  const error = task.error ? describeError(task.error) : undefined;

  let message: string;
  if (task.status === 'failed') message = error?.detail ? `${error.title} ${error.detail}` : (error?.title ?? t('jobs.failed'));
  else if (task.status === 'cancelled') message = t('jobs.cancelled');
  else if (task.failed) message = t('jobs.tasks.upload.someFailed', { count: task.failed });
  else message = t(`jobs.tasks.${task.kind}.done`);

  return (
    <li className={`job job--${task.status} ${active ? '' : 'job--ended'}`} aria-label={title}>
      <div className="job__head">
        <span className="job__icon" aria-hidden="true">
          <Icon name={task.kind === 'split' ? 'split' : 'upload'} size={16} />
        </span>
        <span className="job__title">{title}</span>
        <StatusBadge tone={jobTone(task.status)}>{t(`jobs.status.${task.status}`)}</StatusBadge>
        {active ? <span className="job__spacer" /> : (
          <p className={`job__message ${task.status === 'failed' ? 'is-danger' : ''}`} role="status" title={message}>
            {message}
            {error ? <code className="job__code">{error.code}</code> : null}
          </p>
        )}
        {active && task.cancel ? (
          <Button size="sm" icon="stop" onClick={task.cancel}>
            {t('jobs.cancel')}
          </Button>
        ) : null}
        {!active ? (
          <Button
            size="sm"
            variant="ghost"
            icon="close"
            aria-label={t('jobs.dismiss', { title })}
            title={t('jobs.dismiss', { title })}
            onClick={() => dismissActivity(activity.key)}
          />
        ) : null}
      </div>
      {active ? (
        <>
          <ProgressBar value={task.total ? (task.done ?? 0) / task.total : undefined} label={t('jobs.progressLabel', { title })} />
          <p className="job__facts tabular">
            {task.total !== undefined
              ? t('jobs.tasks.upload.count', { done: formatCount(task.done ?? 0, i18n.language), total: formatCount(task.total, i18n.language) })
              : t(`jobs.tasks.${task.kind}.waiting`)}
          </p>
        </>
      ) : null}
    </li>
  );
}
