import { useEffect, useState } from 'react';
import { call, type Job } from '../../../api';
import { useDescribeError } from '../../../lib/errors';
import { formatCount, formatDuration, formatRate } from '../../../lib/format';
import { Button, Dialog, ErrorAlert, Icon, Panel, ProgressBar, useToast } from '../../../ui';
import { formatElapsed, formatLoss } from '../format';
import { useModelsT, type ModelsKey } from '../i18n';
import { overallProgress, overallSecondsLeft } from '../trainingPhases';
import { parseLossMessage, phaseOf, TRAINING_PHASES, useTrainingRun, type LossPoint, type TrainingPhase } from '../trainingJobs';
import { LossSparkline, splitRuns } from './LossSparkline';

const PHASE_KEYS: Record<TrainingPhase, ModelsKey> = {
  validating: 'progress.phases.validating',
  'choosing the view': 'progress.phases.view',
  'embedding images': 'progress.phases.embedding',
  training: 'progress.phases.training',
  testing: 'progress.phases.testing',
  evaluating: 'progress.phases.evaluating',
};

function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [active]);
  return now;
}

/** A version being trained: the phases, images embedded, epochs and loss, time, and Cancel. */
export function TrainingProgress({ versionArn, createdSeconds }: { versionArn: string; createdSeconds: number }) {
  const { t, dynamic, app, language } = useModelsT();
  const run = useTrainingRun(versionArn, true);
  const job = run?.job;
  const now = useNow(true);
  const [isCancelling, setCancelling] = useState(false);
  const phase = job ? phaseOf(job) : undefined;
  const current = phase ? TRAINING_PHASES.indexOf(phase) : -1;
  const started = job?.CreationTimestamp ?? createdSeconds;
  const latest = parseLossMessage(job?.Message);

  const detail = job ? phaseDetail(job) : undefined;
  function phaseDetail(active: Job): string | undefined {
    const facts: string[] = [];
    if (active.Phase === 'training') {
      if (latest) {
        facts.push(dynamic(`progress.stages.${latest.stage}`, latest.stage));
        facts.push(t('progress.epoch', { epoch: formatCount(latest.epoch, language) }));
        facts.push(t('progress.loss', { loss: formatLoss(latest.loss, language) }));
      } else if (active.Message) {
        facts.push(active.Message);
      }
      return facts.join(' · ');
    }
    if (active.Total !== undefined && active.Total > 0 && active.Phase !== 'training') {
      const key: ModelsKey = active.Phase === 'embedding images' ? 'progress.imagesEmbedded' : 'progress.imagesTested';
      facts.push(t(key, { done: formatCount(active.Done ?? 0, language), total: formatCount(active.Total, language) }));
    }
    if (active.Rate !== undefined && active.Rate > 0 && active.Phase !== 'evaluating') facts.push(t('progress.rate', { rate: formatRate(active.Rate, language) }));
    if (active.EtaSeconds !== undefined && active.EtaSeconds > 0 && active.Phase !== 'evaluating') facts.push(t('progress.eta', { time: formatDuration(active.EtaSeconds, language) }));
    return facts.length > 0 ? facts.join(' · ') : undefined;
  }

  const barValue = job?.Total && job.Phase !== 'training' ? (job.Done ?? 0) / job.Total : undefined;
  // One bar for the whole training, with the time left at the pace so far (issue 15).
  const overall = job ? overallProgress(job) : undefined;
  const secondsLeft = overallSecondsLeft(overall, now / 1000 - started);
  const overallFacts = [
    overall === undefined ? t('progress.waiting') : t('progress.overallPercent', { percent: Math.floor(overall * 100) }),
    secondsLeft === undefined ? (overall !== undefined && overall < 1 ? t('progress.estimating') : undefined) : t('progress.overallLeft', { time: formatDuration(secondsLeft, language) }),
  ].filter(Boolean);

  return (
    <Panel
      icon="model"
      title={t('progress.title')}
      description={t('progress.description')}
      actions={
        job && (job.Status === 'running' || job.Status === 'queued') ? (
          <Button icon="stop" onClick={() => setCancelling(true)}>
            {t('progress.cancel')}
          </Button>
        ) : null
      }
    >
      <div className="training-progress" aria-live="polite">
        <div className="training-progress__overall">
          <ProgressBar value={overall} label={t('progress.overallLabel')} />
          <p className="training-progress__overall-facts tabular" data-testid="training-overall">
            {overallFacts.join(' · ')}
          </p>
        </div>
        <ol className="phase-steps" aria-label={t('progress.phasesLabel')}>
          {TRAINING_PHASES.map((step, index) => {
            const state = index < current ? 'done' : index === current ? 'current' : 'pending';
            return (
              <li key={step} className={`phase-step phase-step--${state}`} aria-current={state === 'current' ? 'step' : undefined}>
                <span className="phase-step__dot" aria-hidden="true">
                  {state === 'done' ? <Icon name="check" size={12} /> : index + 1}
                </span>
                <span className="phase-step__label">{t(PHASE_KEYS[step])}</span>
              </li>
            );
          })}
        </ol>
        <div className="training-progress__now">
          <p className="training-progress__phase" data-testid="training-phase">
            {phase ? t(PHASE_KEYS[phase]) : job?.Phase ? job.Phase : t('progress.waiting')}
          </p>
          <ProgressBar value={barValue} label={t('progress.barLabel')} />
          {detail ? <p className="training-progress__detail tabular">{detail}</p> : null}
          <p className="training-progress__elapsed tabular">{t('progress.elapsed', { time: formatElapsed(now / 1000 - started, language) })}</p>
        </div>
        {run && run.losses.length > 0 ? (
          <figure className="training-progress__loss">
            <LossSparkline points={run.losses} label={t('progress.lossChart', { count: run.losses.length })} />
            <figcaption>
              <span>{t('progress.lossCaption')}</span>
              {latest ? <span className="tabular">{formatLoss(latest.loss, language)}</span> : null}
            </figcaption>
            <LossLegend points={run.losses} />
          </figure>
        ) : null}
      </div>
      {isCancelling && job ? <CancelTrainingDialog job={job} onClose={() => setCancelling(false)} closeLabel={app('common.close')} /> : null}
    </Panel>
  );
}

/** What the chart's lines are: the settings tried (candidates, drawn faint) and the final model. */
function LossLegend({ points }: { points: readonly LossPoint[] }) {
  const { t } = useModelsT();
  const runs = splitRuns(points);
  const tried = runs.filter((run) => run.stage !== 'final').length;
  const hasFinal = runs.some((run) => run.stage === 'final');
  return (
    <ul className="loss-legend" aria-label={t('progress.legendLabel')}>
      {tried > 0 ? (
        <li>
          <span className="loss-legend__swatch" aria-hidden="true" />
          {t('progress.legendTried', { count: tried })}
        </li>
      ) : null}
      {hasFinal ? (
        <li>
          <span className="loss-legend__swatch is-final" aria-hidden="true" />
          {t('progress.legendFinal')}
        </li>
      ) : null}
    </ul>
  );
}

function CancelTrainingDialog({ job, onClose, closeLabel }: { job: Job; onClose: () => void; closeLabel: string }) {
  const { t } = useModelsT();
  const toast = useToast();
  const describeError = useDescribeError();
  const [isBusy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const cancel = async () => {
    setBusy(true);
    try {
      await call('CancelJob', { JobId: job.JobId });
      toast.show(t('progress.cancelled'));
      onClose();
    } catch (thrown) {
      setError(thrown);
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={t('progress.cancelTitle')}
      closeLabel={closeLabel}
      onClose={onClose}
      tone="danger"
      size="sm"
      isBusy={isBusy}
      footer={
        <>
          <Button onClick={onClose} disabled={isBusy}>
            {t('progress.keepTraining')}
          </Button>
          <Button variant="danger" icon="stop" isBusy={isBusy} onClick={() => void cancel()}>
            {t('progress.cancel')}
          </Button>
        </>
      }
    >
      <p>{t('progress.cancelBody')}</p>
      {error ? <ErrorAlert {...describeError(error)} /> : null}
    </Dialog>
  );
}
