import { useCallback, useRef, useState, useSyncExternalStore, type CSSProperties } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { closeKioskWindow, isKioskSession, isKioskWindow, leaveKiosk } from '../../../api';
import { useDescribeError } from '../../../lib/errors';
import { formatCount, formatDateTime } from '../../../lib/format';
import { modelPath } from '../../../lib/routes';
import { useDocumentTitle } from '../../../lib/useDocumentTitle';
import { Button, Checkbox, Dialog, Icon, SelectField, Spinner } from '../../../ui';
import { filesOfDrop, isImageFile } from '../analyze/images';
import { LabelOverlay } from '../analyze/LabelOverlay';
import { useAnalyses, type Analysis } from '../analyze/useAnalyses';
import { useEvaluation } from '../evaluate/EvaluateTab';
import { formatConfidence } from '../format';
import { useModelsT } from '../i18n';
import { useModelContext, type ModelContext } from '../model/modelContext';
import { canWatchFolders } from './folderWatch';
import type { KioskPrefs } from './kioskStore';
import { useKioskFolder } from './useKioskFolder';
import { useKioskPrefs, useShiftCounts } from './useKioskStore';
import { mustAskPin, subscribePin } from './pin';
import { PinPad } from './PinPad';
import { guessOkLabel, labelHue, tallyKey, verdictOf, type Verdict } from './verdict';
import './kiosk.css';

/** `#/kiosk/:project/:version`: one running model, full screen, for the factory floor. */
export function KioskScreen() {
  const { project = '', version = '' } = useParams();
  const { t } = useModelsT();
  const { context, isLoading } = useModelContext(project, version);
  useDocumentTitle(`${t('kiosk.title')} · ${version}`);
  if (!context) {
    return (
      <div className="kiosk kiosk--message">
        {isLoading ? (
          <Spinner size={32} label={t('kiosk.loading')} />
        ) : (
          <div className="kiosk__notice">
            <p className="kiosk__notice-title">{t('model.notFound.title')}</p>
            <p>{t('model.notFound.body', { version, project })}</p>
            {isKioskSession() ? null : (
              <Link className="kiosk__link" to="/">
                {t('kiosk.backToProjects')}
              </Link>
            )}
          </div>
        )}
      </div>
    );
  }
  return <Kiosk model={context} />;
}

function useFullscreen(): boolean {
  return useSyncExternalStore(
    (listener) => {
      document.addEventListener('fullscreenchange', listener);
      return () => document.removeEventListener('fullscreenchange', listener);
    },
    () => document.fullscreenElement !== null,
  );
}

type Guarded = 'exit' | 'settings' | 'reset';

function Kiosk({ model }: { model: ModelContext }) {
  const { t, language } = useModelsT();
  const navigate = useNavigate();
  const describeError = useDescribeError();
  const arn = model.version.ProjectVersionArn;
  const { summary } = useEvaluation(model);
  const labels = summary?.labels ?? [];
  const [prefs, setPrefs] = useKioskPrefs(arn);
  const okLabel = prefs.okLabel === 'auto' ? guessOkLabel(labels) : prefs.okLabel || undefined;
  const [counts, setCounts] = useShiftCounts(arn);
  const [chosenId, setChosenId] = useState<number | undefined>();
  const [guard, setGuard] = useState<Guarded | undefined>();
  const [isSettingsOpen, setSettingsOpen] = useState(false);
  const [notice, setNotice] = useState<string | undefined>();
  const folder = useKioskFolder(setNotice);
  const { watching } = folder;
  const isFullscreen = useFullscreen();
  const inKioskWindow = isKioskWindow();
  const pinSet = useSyncExternalStore(subscribePin, mustAskPin);
  const fileInput = useRef<HTMLInputElement>(null);
  const okRef = useRef(okLabel);
  okRef.current = okLabel;
  const prefsRef = useRef(prefs);
  prefsRef.current = prefs;

  const moveIfWatched = useRef(folder.moveIfWatched);
  moveIfWatched.current = folder.moveIfWatched;
  const onFirstResult = useCallback(
    (analysis: Analysis) => {
      const verdict = verdictOf(analysis.labels ?? [], okRef.current);
      const key = tallyKey(verdict);
      setCounts((previous) => ({ ...previous, counts: { ...previous.counts, [key]: (previous.counts[key] ?? 0) + 1 } }));
      setChosenId(undefined);
      if (prefsRef.current.moveFiles) moveIfWatched.current(analysis.file, key || 'no-label');
    },
    [setCounts],
  );
  const { items, add } = useAnalyses(arn, undefined, { keep: 24, onFirstResult });

  const answered = items.filter((item) => item.status === 'done' || item.status === 'failed');
  const pending = items.length - answered.length;
  const shown = answered.find((item) => item.id === chosenId) ?? answered[0];
  const verdict: Verdict | undefined = shown?.status === 'done' ? verdictOf(shown.labels ?? [], okLabel) : undefined;

  const startWatching = async () => {
    if (await folder.start(prefs.moveFiles, (file) => add([file]))) setSettingsOpen(false);
  };
  const stopWatching = folder.stop;

  const leave = () => {
    // A kiosk opened by its link ends its kiosk session: the page then asks for the access keys.
    if (isKioskSession()) {
      if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
      void leaveKiosk();
      return;
    }
    // The desktop app's kiosk window closes; a kiosk tab leaves full screen and goes back.
    if (inKioskWindow) {
      closeKioskWindow().catch((error: unknown) => setNotice(describeError(error).title));
      return;
    }
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
    void navigate(modelPath(model.projectName, model.versionName, 'use'));
  };
  const guarded = (action: Guarded) => {
    if (!pinSet) run(action);
    else setGuard(action);
  };
  const run = (action: Guarded) => {
    if (action === 'exit') leave();
    else if (action === 'settings') setSettingsOpen(true);
    else setCounts(() => ({ sinceMs: Date.now(), counts: {} }));
  };
  const enterFullscreen = () => {
    document.documentElement.requestFullscreen().catch(() => setNotice(t('kiosk.fullscreenRefused')));
  };

  const verdictText = (value: Verdict | undefined) => {
    if (!value) return '';
    if (value.kind === 'ok') return t('kiosk.ok');
    if (value.kind === 'ng') return t('kiosk.ng');
    if (value.kind === 'label') return value.label;
    return t('kiosk.noLabel');
  };
  const verdictStyle = (value: Verdict | undefined) =>
    value?.kind === 'label' ? ({ '--verdict-hue': String(labelHue(value.label, labels)) } as CSSProperties) : undefined;
  const tallyText = (key: string) => (key === 'OK' ? t('kiosk.ok') : key === 'NG' ? t('kiosk.ng') : key === '' ? t('kiosk.noLabel') : key);
  const tallyKind = (key: string) => (key === 'OK' ? 'ok' : key === 'NG' ? 'ng' : key === '' ? 'none' : 'label');
  const total = Object.values(counts.counts).reduce((sum, value) => sum + value, 0);
  const orderedKeys = okLabel !== undefined ? ['OK', 'NG'] : [...new Set([...labels, ...Object.keys(counts.counts)])].sort((a, b) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b)));
  const running = model.version.Status === 'RUNNING';

  return (
    <div
      className="kiosk"
      data-testid="kiosk"
      onDragOver={(event) => {
        if (Array.from(event.dataTransfer.types).includes('Files')) {
          event.preventDefault();
          event.dataTransfer.dropEffect = 'copy';
        }
      }}
      onDrop={(event) => {
        event.preventDefault();
        if (running) void filesOfDrop(event.dataTransfer).then(add);
      }}
    >
      <header className="kiosk__bar">
        <div className="kiosk__identity">
          <span className="kiosk__brand">Loupe</span>
          <span className="kiosk__model">
            {model.projectName} / <span className="kiosk__version">{model.versionName}</span>
          </span>
          <span className={`kiosk__status ${running ? 'is-running' : ''}`}>{t(`kiosk.status.${running ? 'running' : 'stopped'}`)}</span>
          {watching ? (
            <span className="kiosk__watching">
              <Icon name="folder" size={16} />
              {t('kiosk.watching', { name: watching })}
            </span>
          ) : null}
        </div>
        <div className="kiosk__tools">
          <button type="button" className="kiosk__tool" onClick={() => fileInput.current?.click()} disabled={!running}>
            <Icon name="image" size={22} />
            <span>{t('kiosk.chooseImages')}</span>
          </button>
          {!isFullscreen && !inKioskWindow ? (
            <button type="button" className="kiosk__tool" onClick={enterFullscreen}>
              <Icon name="expand" size={22} />
              <span>{t('kiosk.fullscreen')}</span>
            </button>
          ) : null}
          <button type="button" className="kiosk__tool" onClick={() => guarded('settings')}>
            <Icon name="settings" size={22} />
            <span>{t('kiosk.settingsButton')}</span>
          </button>
          <button type="button" className="kiosk__tool kiosk__tool--exit" onClick={() => guarded('exit')}>
            <Icon name={pinSet ? 'lock' : 'logOut'} size={22} />
            <span>{t('kiosk.exit')}</span>
          </button>
        </div>
      </header>
      <input
        ref={fileInput}
        type="file"
        accept="image/png,image/jpeg,image/webp,image/gif,image/bmp"
        multiple
        hidden
        aria-label={t('kiosk.chooseImages')}
        onChange={(event) => {
          if (event.target.files) add(Array.from(event.target.files).filter(isImageFile));
          event.target.value = '';
        }}
      />
      {notice ? (
        <p className="kiosk__notice-bar" role="alert">
          {notice}
          <button type="button" aria-label={t('kiosk.dismiss')} onClick={() => setNotice(undefined)}>
            <Icon name="close" size={18} />
          </button>
        </p>
      ) : null}
      <main className="kiosk__stage">
        {!running ? (
          <div className="kiosk__notice">
            <p className="kiosk__notice-title">{t('kiosk.notRunning')}</p>
            <p>{t('kiosk.notRunningBody')}</p>
            {/* A kiosk opened by its link has no other page: it waits here for the model to start. */}
            {isKioskSession() ? null : (
              <Link className="kiosk__link" to={modelPath(model.projectName, model.versionName, 'use')}>
                {t('kiosk.openUseModel')}
              </Link>
            )}
          </div>
        ) : shown ? (
          <>
            <div className="kiosk__picture">
              <LabelOverlay src={shown.url} labels={shown.labels} width={shown.prepared?.width ?? 1} height={shown.prepared?.height ?? 1} alt={shown.name} size="lg" />
            </div>
            <section
              className={`kiosk__verdict kiosk__verdict--${verdict?.kind ?? 'failed'}`}
              style={verdictStyle(verdict)}
              aria-live="assertive"
              aria-label={t('kiosk.verdictLabel')}
            >
              <p className="kiosk__verdict-text" data-testid="kiosk-verdict">
                {shown.status === 'failed' ? t('kiosk.failed') : verdictText(verdict)}
              </p>
              {verdict && verdict.kind !== 'none' && verdict.kind !== 'label' && verdict.label ? <p className="kiosk__verdict-label">{verdict.label}</p> : null}
              {verdict && 'confidence' in verdict && verdict.confidence !== undefined ? (
                <p className="kiosk__verdict-confidence tabular">{formatConfidence(verdict.confidence, language)}</p>
              ) : null}
              {verdict?.kind === 'ng' && verdict.label === undefined ? <p className="kiosk__verdict-label">{t('kiosk.nothingFound')}</p> : null}
              {shown.status === 'failed' && shown.error ? <p className="kiosk__verdict-label">{describeError(shown.error).title}</p> : null}
              <p className="kiosk__verdict-file" title={shown.name}>
                {shown.name}
              </p>
              {shown.analyzedMs ? <p className="kiosk__verdict-time tabular">{new Intl.DateTimeFormat(language, { timeStyle: 'medium' }).format(shown.analyzedMs)}</p> : null}
            </section>
          </>
        ) : (
          <div className="kiosk__empty">
            <Icon name="image" size={56} />
            <p className="kiosk__notice-title">{pending > 0 ? t('kiosk.analyzing') : t('kiosk.waiting')}</p>
            <p>{watching ? t('kiosk.waitingFolder', { name: watching }) : t('kiosk.waitingHint')}</p>
            {pending > 0 ? <Spinner size={32} label={t('kiosk.analyzing')} /> : null}
          </div>
        )}
        {pending > 0 && shown ? (
          <span className="kiosk__pending">
            <Spinner size={16} />
            {t('kiosk.pending', { count: pending })}
          </span>
        ) : null}
      </main>
      {answered.length > 1 ? (
        <ul className="kiosk__recent" aria-label={t('kiosk.recent')}>
          {answered.slice(0, 12).map((item) => {
            const itemVerdict = item.status === 'done' ? verdictOf(item.labels ?? [], okLabel) : undefined;
            return (
              <li key={item.id}>
                <button
                  type="button"
                  className={`kiosk__thumb kiosk__thumb--${itemVerdict?.kind ?? 'failed'} ${item.id === shown?.id ? 'is-shown' : ''}`}
                  style={verdictStyle(itemVerdict)}
                  onClick={() => setChosenId(item.id)}
                  aria-label={`${item.name}: ${item.status === 'failed' ? t('kiosk.failed') : verdictText(itemVerdict)}`}
                >
                  <img src={item.url} alt="" />
                  <span>{item.status === 'failed' ? t('kiosk.failed') : verdictText(itemVerdict)}</span>
                </button>
              </li>
            );
          })}
        </ul>
      ) : null}
      <footer className="kiosk__counts" aria-label={t('kiosk.counts')}>
        <div className="kiosk__tallies">
          {orderedKeys.map((key) => (
            <div key={key || '\u0000none'} className={`kiosk__tally kiosk__tally--${tallyKind(key)}`} style={tallyKind(key) === 'label' ? ({ '--verdict-hue': String(labelHue(key, labels)) } as CSSProperties) : undefined}>
              <span className="kiosk__tally-name">{tallyText(key)}</span>
              <span className="kiosk__tally-count tabular" data-testid={`tally-${key || 'none'}`}>
                {formatCount(counts.counts[key] ?? 0, language)}
              </span>
            </div>
          ))}
          <div className="kiosk__tally kiosk__tally--total">
            <span className="kiosk__tally-name">{t('kiosk.total')}</span>
            <span className="kiosk__tally-count tabular">{formatCount(total, language)}</span>
          </div>
        </div>
        <div className="kiosk__shift">
          <span className="kiosk__since tabular">{t('kiosk.since', { time: formatDateTime(counts.sinceMs / 1000, language) })}</span>
          <button type="button" className="kiosk__tool" onClick={() => guarded('reset')}>
            <Icon name="refresh" size={20} />
            <span>{t('kiosk.reset')}</span>
          </button>
        </div>
      </footer>
      {guard ? (
        <PinPad
          title={t(`kiosk.pin.titles.${guard}`)}
          onClose={() => setGuard(undefined)}
          onVerified={() => {
            const action = guard;
            setGuard(undefined);
            run(action);
          }}
        />
      ) : null}
      {isSettingsOpen ? (
        <KioskSettingsDialog
          prefs={prefs}
          labels={labels}
          guessed={guessOkLabel(labels)}
          watching={watching}
          onChange={setPrefs}
          onWatch={() => void startWatching()}
          onStopWatching={stopWatching}
          onClose={() => setSettingsOpen(false)}
        />
      ) : null}
    </div>
  );
}

function KioskSettingsDialog({
  prefs,
  labels,
  guessed,
  watching,
  onChange,
  onWatch,
  onStopWatching,
  onClose,
}: {
  prefs: KioskPrefs;
  labels: readonly string[];
  guessed: string | undefined;
  watching: string | undefined;
  onChange: (prefs: KioskPrefs) => void;
  onWatch: () => void;
  onStopWatching: () => void;
  onClose: () => void;
}) {
  const { t, app } = useModelsT();
  const watchable = canWatchFolders();
  return (
    <Dialog title={t('kiosk.settings.dialogTitle')} closeLabel={app('common.close')} onClose={onClose} size="md" footer={<Button onClick={onClose}>{app('common.close')}</Button>}>
      <div className="kiosk-settings">
        <SelectField label={t('kiosk.settings.okLabel')} hint={t('kiosk.settings.okLabelHint')} value={prefs.okLabel} onChange={(event) => onChange({ ...prefs, okLabel: event.target.value })}>
          <option value="auto">{guessed ? t('kiosk.settings.okAuto', { label: guessed }) : t('kiosk.settings.okAutoNone')}</option>
          <option value="">{t('kiosk.settings.okNone')}</option>
          {labels.map((label) => (
            <option key={label} value={label}>
              {label}
            </option>
          ))}
        </SelectField>
        <section className="kiosk-settings__folder">
          <h3>{t('kiosk.settings.folderTitle')}</h3>
          {watchable ? (
            <>
              <p className="muted">{t('kiosk.settings.folderBody')}</p>
              <Checkbox
                label={t('kiosk.settings.moveFiles')}
                hint={t('kiosk.settings.moveFilesHint')}
                checked={prefs.moveFiles}
                disabled={watching !== undefined}
                onChange={(event) => onChange({ ...prefs, moveFiles: event.target.checked })}
              />
              <div className="kiosk-settings__actions">
                <Button icon="folder" variant="primary" onClick={onWatch}>
                  {watching ? t('kiosk.settings.watchOther') : t('kiosk.settings.watch')}
                </Button>
                {watching ? (
                  <Button icon="stop" onClick={onStopWatching}>
                    {t('kiosk.settings.stopWatching', { name: watching })}
                  </Button>
                ) : null}
              </div>
            </>
          ) : (
            <p className="muted">{t('kiosk.settings.folderUnavailable')}</p>
          )}
        </section>
      </div>
    </Dialog>
  );
}
