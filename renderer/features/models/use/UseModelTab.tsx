import { useState } from 'react';
import { useMutation } from '../../../api';
import { useDescribeError } from '../../../lib/errors';
import { Button, EmptyState, ErrorAlert, Panel, Spinner, TextField, useToast } from '../../../ui';
import { AnalyzePanel } from '../analyze/AnalyzePanel';
import { useModelsT } from '../i18n';
import type { ModelContext } from '../model/modelContext';
import { canStart, canStop } from '../versions';
import { KioskLink } from '../kiosk/KioskLink';
import { ApiCodePanel } from './ApiCodePanel';
import { UsagePanel } from './UsagePanel';
import { StopDialog } from './StopDialog';
import { VersionStatusBadge } from '../../../lib/VersionStatusBadge';
import { statusText } from '../../../lib/backendMessages';

function parseUnits(text: string): number | undefined {
  if (!/^\s*\d+\s*$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) && value >= 1 ? value : undefined;
}

/** Start or stop the model with its inference units, analyse images, and the API code. */
export function UseModelTab({ model }: { model: ModelContext }) {
  const { t } = useModelsT();
  const toast = useToast();
  const describeError = useDescribeError();
  const { version } = model;
  const start = useMutation('StartProjectVersion');
  const [minText, setMinText] = useState(String(version.MinInferenceUnits ?? 1));
  const [maxText, setMaxText] = useState(version.MaxInferenceUnits !== undefined && version.MaxInferenceUnits !== version.MinInferenceUnits ? String(version.MaxInferenceUnits) : '');
  const [attempted, setAttempted] = useState(false);
  const [isStopping, setStopping] = useState(false);

  const min = parseUnits(minText);
  const max = maxText.trim() === '' ? undefined : parseUnits(maxText);
  const minError = min === undefined ? t('start.unitsInvalid') : undefined;
  const maxError = maxText.trim() !== '' && max === undefined ? t('start.unitsInvalid') : max !== undefined && min !== undefined && max < min ? t('start.maxBelowMin') : undefined;
  const status = version.Status;
  const trained = status !== 'TRAINING_IN_PROGRESS' && status !== 'TRAINING_FAILED';

  const submitStart = async () => {
    setAttempted(true);
    if (minError || maxError || min === undefined) return;
    try {
      await start.run({ ProjectVersionArn: version.ProjectVersionArn, MinInferenceUnits: min, ...(max !== undefined ? { MaxInferenceUnits: max } : {}) });
      toast.show(t('start.starting', { name: model.versionName }));
      setAttempted(false);
    } catch {
      // Shown in the panel.
    }
  };

  if (!trained) {
    return (
      <div className="project-card">
        <EmptyState icon="model" title={t('use.notTrainedTitle')}>
          <p>{status === 'TRAINING_IN_PROGRESS' ? t('use.trainingBody') : t('use.failedBody')}</p>
        </EmptyState>
      </div>
    );
  }

  const units =
    version.MinInferenceUnits !== undefined
      ? version.MaxInferenceUnits !== undefined && version.MaxInferenceUnits !== version.MinInferenceUnits
        ? t('details.unitsRange', { min: version.MinInferenceUnits, max: version.MaxInferenceUnits })
        : t('details.units', { count: version.MinInferenceUnits })
      : undefined;

  return (
    <div className="model-tab-stack">
      <Panel icon="play" title={t('start.title')} description={t('start.description')}>
        <div className="start-stop">
          <div className="start-stop__status" aria-live="polite">
            <span className="start-stop__label">{t('start.status')}</span>
            <VersionStatusBadge status={status} message={version.StatusMessage} />
            {status === 'STARTING' || status === 'STOPPING' ? <Spinner size={14} /> : null}
            <span className="start-stop__message">{statusText(version.StatusMessage)}</span>
            {status === 'RUNNING' && units ? <span className="start-stop__units tabular">{units}</span> : null}
          </div>
          {canStart(status) ? (
            <form
              className="start-stop__form"
              noValidate
              onSubmit={(event) => {
                event.preventDefault();
                void submitStart();
              }}
            >
              <TextField
                label={t('start.minUnits')}
                hint={t('start.minHint')}
                inputMode="numeric"
                value={minText}
                onChange={(event) => setMinText(event.target.value)}
                error={attempted ? minError : undefined}
              />
              <TextField
                label={t('start.maxUnits')}
                hint={t('start.maxHint')}
                inputMode="numeric"
                placeholder={t('start.maxPlaceholder')}
                value={maxText}
                onChange={(event) => setMaxText(event.target.value)}
                error={attempted ? maxError : undefined}
              />
              <Button type="submit" variant="primary" icon="play" isBusy={start.isPending}>
                {t('start.submit')}
              </Button>
            </form>
          ) : null}
          {canStop(status) ? (
            <div className="start-stop__running">
              <Button variant="danger" icon="stop" onClick={() => setStopping(true)}>
                {t('stop.open')}
              </Button>
              {status === 'RUNNING' ? (
                <KioskLink projectName={model.projectName} versionName={model.versionName} />
              ) : null}
            </div>
          ) : null}
          {start.error ? <ErrorAlert {...describeError(start.error)} /> : null}
        </div>
      </Panel>
      {status === 'RUNNING' ? (
        <AnalyzePanel model={model} />
      ) : (
        <Panel icon="image" title={t('analyze.title')}>
          <p className="muted">{status === 'STARTING' ? t('analyze.waitStarting') : t('analyze.startFirst')}</p>
        </Panel>
      )}
      <ApiCodePanel model={model} minUnits={min ?? 1} maxUnits={max} />
      <UsagePanel model={model} />
      {isStopping ? (
        <StopDialog
          versionArn={version.ProjectVersionArn}
          versionName={model.versionName}
          onClose={() => setStopping(false)}
          onStopped={() => {
            setStopping(false);
            toast.show(t('stop.stopping', { name: model.versionName }));
          }}
        />
      ) : null}
    </div>
  );
}
