import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { commands, useCommand, useKeyboardCommands } from '../../commands';
import { projectPath } from '../../lib/routes';
import { useDebouncedValue } from '../../lib/useDebouncedValue';
import { Button, Icon, Spinner, useToast } from '../../ui';
import { labelColor } from './canvas/colors';
import type { EntryFilter } from './entryList';
import { GridView } from './GridView';
import { HelpDialog } from './HelpDialog';
import { useLabelingT } from './i18n';
import { ImageView } from './ImageView';
import { GridLabelPane, ImagePane } from './LabelPane';
import { ManageLabelsDialog } from './ManageLabelsDialog';
import { emptySelection } from './selection';
import type { EditSummary } from './edits';
import { runBoxCommand } from './tools/box';
import { useDatasetLabels, useEntryList, useLabelingSession, useVersion } from './useLabelingData';
import { useBoxToolBridge } from './useBoxToolBridge';
import { useGridSelection } from './useGridSelection';
import { useImageCursor } from './useImageCursor';
import { useSessionNotices } from './useSessionNotices';

export interface LabelingWorkspaceProps {
  projectName: string;
  slug: 'train' | 'test';
  datasetArn: string;
  otherDataset: { arn: string; slug: 'train' | 'test' } | null;
}

type FilterChoice = 'all' | 'unlabeled' | 'labeled' | `label:${string}`;

const DIGITS = [1, 2, 3, 4, 5, 6, 7, 8, 9] as const;
const AUTO_ADVANCE_KEY = 'loupe.labeling.autoAdvance';

function readFlag(key: string, fallback: boolean): boolean {
  try {
    const value = window.localStorage.getItem(key);
    return value === null ? fallback : value === 'true';
  } catch {
    // Storage may be disabled: the default applies.
    return fallback;
  }
}

function writeFlag(key: string, value: boolean): void {
  try {
    window.localStorage.setItem(key, String(value));
  } catch {
    // Without storage the choice lasts as long as the page.
  }
}

function toFilter(choice: FilterChoice, search: string): EntryFilter {
  const text = search.trim();
  return {
    ...(choice === 'unlabeled' ? { Labeled: false } : choice === 'labeled' ? { Labeled: true } : {}),
    ...(choice.startsWith('label:') ? { ContainsLabels: [choice.slice('label:'.length)] } : {}),
    ...(text ? { SourceRefContains: text } : {}),
  };
}

/** Labeling mode for one dataset: grid or single image, the label pane, saving, undo, keys. */
export function LabelingWorkspace({ projectName, slug, datasetArn, otherDataset }: LabelingWorkspaceProps) {
  const { t, translate } = useLabelingT();
  const toast = useToast();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const mode: 'grid' | 'image' = params.get('view') === 'image' ? 'image' : 'grid';

  const session = useLabelingSession(datasetArn);
  const labelsState = useDatasetLabels(datasetArn);
  const labelNames = useMemo(() => labelsState.labels.map((label) => label.LabelName), [labelsState.labels]);
  // The counts in the label pane follow this window's own saves without waiting for the event.
  const scheduleLabels = labelsState.scheduleRefetch;
  useEffect(() => {
    if (session.savedCount > 0) scheduleLabels();
  }, [session.savedCount, scheduleLabels]);
  const colorOf = useCallback((label: string) => labelColor(labelNames, label), [labelNames]);

  const [filterChoice, setFilterChoice] = useState<FilterChoice>('all');
  // The dataset page opens one image by `entry` (and `search` when its gallery was filtered).
  const [search, setSearch] = useState(() => params.get('search') ?? '');
  const debouncedSearch = useDebouncedValue(search, 250);
  const filter = useMemo(() => toFilter(filterChoice, debouncedSearch), [filterChoice, debouncedSearch]);
  const isFiltered = filterChoice !== 'all' || debouncedSearch.trim() !== '';
  const list = useEntryList(session, filter);
  const total = list.total ?? 0;

  const { selection, setSelection, coverage, selectAll, selectingAll } = useGridSelection(session, list, filter);
  const [autoAdvance, setAutoAdvanceState] = useState(() => readFlag(AUTO_ADVANCE_KEY, true));
  const setAutoAdvance = (value: boolean) => {
    setAutoAdvanceState(value);
    writeFlag(AUTO_ADVANCE_KEY, value);
  };
  const [drawLabel, setDrawLabel] = useState<string | null>(null);
  const [dialog, setDialog] = useState<'manage' | 'help' | null>(null);
  const [revealIndex, setRevealIndex] = useState<number | null>(null);

  // --- Single image ----------------------------------------------------------------------

  const { current, entry, previousEntry, nextEntry, goTo, openImage, closeImage } = useImageCursor(list, mode, params, setParams, (index, id) => {
    setSelection(id === undefined ? emptySelection : { ids: new Set([id]), anchor: index, cursor: index });
    setRevealIndex(index);
  });

  const effectiveDrawLabel = drawLabel !== null && labelNames.includes(drawLabel) ? drawLabel : (labelNames[0] ?? null);

  // --- The box tool ------------------------------------------------------------------------

  const tool = useBoxToolBridge(session, entry, effectiveDrawLabel);

  // --- Labels ------------------------------------------------------------------------------

  const cursorEntry = selection.cursor !== null ? list.at(selection.cursor) : undefined;

  const assign = (label: string, isRemove: boolean, ids: number[]) => {
    const summary: EditSummary = {
      key: isRemove ? 'edits.removeLabel' : 'edits.assignLabel',
      values: { label, count: ids.length },
    };
    return session.assignLabels(ids, isRemove ? [] : [label], isRemove ? [label] : [], summary);
  };

  const assignNth = (n: number, isRemove: boolean) => {
    const label = labelNames[n - 1];
    if (label === undefined) {
      toast.show(labelNames.length === 0 ? t('labels.noneYet') : t('labels.noLabelAt', { n }), 'info');
      return;
    }
    if (mode === 'grid') {
      const ids = selection.ids.size > 0 ? [...selection.ids] : cursorEntry ? [cursorEntry.EntryId] : [];
      if (ids.length === 0) {
        toast.show(t('labels.selectFirst'), 'info');
        return;
      }
      void assign(label, isRemove, ids);
      return;
    }
    if (!entry) return;
    void assign(label, isRemove, [entry.EntryId]);
    if (!isRemove && autoAdvance && current.index + 1 < total) goTo(current.index + 1);
  };

  for (const n of DIGITS) {
    // DIGITS is constant, so these hooks run in the same order on every render.
    useCommand(`label:assign-${n}`, () => assignNth(n, false));
    useCommand(`label:remove-${n}`, () => assignNth(n, true));
  }

  const gridAssign = (label: string, isRemove: boolean) => {
    const ids = [...selection.ids];
    if (ids.length === 0) return;
    void assign(label, isRemove, ids).then((ok) => {
      if (ok) toast.show(t(isRemove ? 'notices.removed' : 'notices.assigned', { label, count: ids.length }));
    });
  };

  // --- Commands ----------------------------------------------------------------------------

  useCommand('help:show', () => setDialog('help'));
  useCommand('labels:manage', () => setDialog('manage'));
  useCommand('edit:undo', () => void session.undo(), () => session.log.canUndo);
  useCommand('edit:redo', () => void session.redo(), () => session.log.canRedo);
  useCommand(
    'mode:toggle',
    () => (mode === 'grid' ? openImage(selection.cursor ?? 0) : closeImage()),
    () => total > 0,
  );
  useCommand('grid:select-all', selectAll);
  useCommand(
    'grid:clear-selection',
    () => setSelection((previous) => ({ ...previous, ids: new Set() })),
    () => selection.ids.size > 0,
  );

  useKeyboardCommands(() => {
    if (mode === 'grid') return 'grid';
    return tool.selected !== null || tool.stateId !== 'box.idle' ? 'box' : 'image';
  }, dialog === null);

  // --- Notices -----------------------------------------------------------------------------

  const summaryText = useSessionNotices(session, list, mode === 'image' ? entry?.EntryId : undefined);

  // --- Render ------------------------------------------------------------------------------

  const datasetTitle = slug === 'train' ? t('screen.trainingDataset') : t('screen.testDataset');
  const repeatPrevious = () => {
    if (!previousEntry?.Width || !previousEntry.Height) return;
    const ok = runBoxCommand(tool, 'box:repeat-previous', {
      labels: labelNames,
      previous: {
        image: { width: previousEntry.Width, height: previousEntry.Height },
        boxes: previousEntry.Boxes.map((box) => ({ label: box.Label, left: box.Left, top: box.Top, width: box.Width, height: box.Height })),
      },
    });
    if (!ok) toast.show(t('boxes.nothingToRepeat'), 'info');
  };

  return (
    <div className="lab-screen">
      <header className="lab-header">
        <div className="lab-header__titles">
          <nav aria-label={t('screen.breadcrumb')} className="lab-crumbs">
            <Link to="/">{t('screen.projects')}</Link>
            <Icon name="chevronRight" size={13} />
            <Link to={projectPath(projectName)}>{projectName}</Link>
            <Icon name="chevronRight" size={13} />
            <span>{datasetTitle}</span>
          </nav>
          <h1 className="lab-header__title">{t('screen.title')}</h1>
        </div>
        <div className="lab-modes" role="tablist" aria-label={t('screen.modes')}>
          <button type="button" role="tab" aria-selected={mode === 'grid'} className="lab-modes__tab" onClick={() => (mode === 'grid' ? undefined : closeImage())}>
            <Icon name="grid" size={16} />
            {t('screen.gridMode')}
          </button>
          <button
            type="button"
            role="tab"
            aria-selected={mode === 'image'}
            className="lab-modes__tab"
            disabled={total === 0}
            onClick={() => (mode === 'image' ? undefined : openImage(selection.cursor ?? 0))}
          >
            <Icon name="drawBox" size={16} />
            {t('screen.imageMode')}
          </button>
        </div>
        <div className="lab-header__actions">
          <SaveStatus session={session} t={t} />
          <UndoRedo session={session} t={t} summaryText={summaryText} />
          <Button size="sm" onClick={() => setDialog('manage')}>
            <span className="lab-inline-icon">
              <Icon name="tag" size={15} />
              {t('labels.manage')}
            </span>
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setDialog('help')} aria-label={t('help.open')} title={t('help.open')}>
            <span className="lab-inline-icon">
              <Icon name="keyboard" size={16} />
              <kbd className="lab-key">?</kbd>
            </span>
          </Button>
          <Button size="sm" variant="primary" onClick={() => void navigate(projectPath(projectName))}>
            <span className="lab-inline-icon">
              <Icon name="logOut" size={15} />
              {t('screen.exit')}
            </span>
          </Button>
        </div>
      </header>

      <div className="lab-body">
        <main className="lab-main">
          {mode === 'grid' ? (
            <>
              <div className="lab-toolbar">
                <label className="lab-field lab-field--inline">
                  <span className="lab-field__label">{t('grid.show')}</span>
                  <select className="lab-select" value={filterChoice} onChange={(event) => setFilterChoice(event.target.value as FilterChoice)}>
                    <option value="all">{t('grid.filters.all')}</option>
                    <option value="unlabeled">{t('grid.filters.unlabeled')}</option>
                    <option value="labeled">{t('grid.filters.labeled')}</option>
                    {labelNames.map((name) => (
                      <option key={name} value={`label:${name}`}>
                        {t('grid.filters.withLabel', { label: name })}
                      </option>
                    ))}
                  </select>
                </label>
                <label className="lab-search">
                  <Icon name="search" size={16} />
                  <input
                    type="search"
                    value={search}
                    onChange={(event) => setSearch(event.target.value)}
                    placeholder={t('grid.search')}
                    aria-label={t('grid.search')}
                  />
                </label>
                <div className="lab-toolbar__spacer" />
                <span className="lab-toolbar__count tabular" aria-live="polite">
                  {selection.ids.size > 0
                    ? t('grid.selectedOf', { count: selection.ids.size, total })
                    : t('grid.images', { count: total })}
                </span>
                <Button size="sm" variant="ghost" onClick={() => commands.run('grid:select-all')} isBusy={selectingAll} disabled={total === 0}>
                  {t('grid.selectAll')}
                </Button>
                <Button size="sm" variant="ghost" onClick={() => commands.run('grid:clear-selection')} disabled={selection.ids.size === 0}>
                  {t('grid.clear')}
                </Button>
              </div>
              <GridView
                list={list}
                selection={selection}
                onSelectionChange={setSelection}
                onOpen={openImage}
                colorOf={colorOf}
                isFiltered={isFiltered}
                t={t}
                revealIndex={revealIndex}
              />
            </>
          ) : (
            <ImageView
              tool={tool}
              entry={entry}
              index={current.index}
              total={total}
              labels={labelNames}
              previousEntry={previousEntry}
              nextEntry={nextEntry}
              autoAdvance={autoAdvance}
              onAutoAdvanceChange={setAutoAdvance}
              onNavigate={goTo}
              onClose={closeImage}
              onManageLabels={() => setDialog('manage')}
              colorOf={colorOf}
              t={t}
            />
          )}
        </main>
        {mode === 'grid' ? (
          <GridLabelPane
            labels={labelsState.labels}
            isLoading={labelsState.isLoading}
            selectionCount={selection.ids.size}
            coverage={coverage}
            onAssign={(label) => gridAssign(label, false)}
            onRemove={(label) => gridAssign(label, true)}
            onManage={() => setDialog('manage')}
            colorOf={colorOf}
            t={t}
          />
        ) : (
          <ImagePane
            labels={labelsState.labels}
            isLoading={labelsState.isLoading}
            entry={entry}
            tool={tool}
            drawLabel={effectiveDrawLabel}
            onDrawLabelChange={setDrawLabel}
            onToggleLabel={(label, isOn) => {
              if (entry) void assign(label, !isOn, [entry.EntryId]);
            }}
            onRepeat={repeatPrevious}
            canRepeat={Boolean(previousEntry && previousEntry.Boxes.length > 0 && entry?.Width)}
            onManage={() => setDialog('manage')}
            colorOf={colorOf}
            t={t}
          />
        )}
      </div>

      {dialog === 'manage' ? (
        <ManageLabelsDialog
          labels={labelsState.labels}
          session={session}
          otherDataset={otherDataset}
          onClose={() => setDialog(null)}
          colorOf={colorOf}
          t={t}
        />
      ) : null}
      {dialog === 'help' ? <HelpDialog onClose={() => setDialog(null)} t={t} translate={translate} /> : null}
    </div>
  );
}

function SaveStatus({ session, t }: { session: ReturnType<typeof useLabelingSession>; t: ReturnType<typeof useLabelingT>['t'] }) {
  useVersion(session);
  const { pending, failed } = session.status;
  // "Saving…" only for saves that take a moment, so quick ones do not flicker.
  const [showSaving, setShowSaving] = useState(false);
  useEffect(() => {
    if (pending === 0) {
      setShowSaving(false);
      return;
    }
    const timer = window.setTimeout(() => setShowSaving(true), 300);
    return () => window.clearTimeout(timer);
  }, [pending]);
  const state = failed ? 'failed' : pending > 0 && showSaving ? 'saving' : 'saved';
  return (
    <span className={`lab-save lab-save--${state}`} role="status" aria-live="polite" data-state={pending > 0 ? 'saving' : state}>
      {state === 'saving' ? <Spinner size={13} /> : <Icon name={state === 'failed' ? 'alert' : 'check'} size={15} />}
      {state === 'saving' ? t('save.saving') : state === 'failed' ? t('save.failed') : t('save.saved')}
    </span>
  );
}

function UndoRedo({
  session,
  t,
  summaryText,
}: {
  session: ReturnType<typeof useLabelingSession>;
  t: ReturnType<typeof useLabelingT>['t'];
  summaryText: (summary: EditSummary) => string;
}) {
  useVersion(session.log);
  const undo = session.log.peekUndo();
  const redo = session.log.peekRedo();
  const undoLabel = undo ? t('edit.undoWhat', { what: summaryText(undo.summary) }) : t('edit.undo');
  const redoLabel = redo ? t('edit.redoWhat', { what: summaryText(redo.summary) }) : t('edit.redo');
  return (
    <div className="lab-undo" role="group" aria-label={t('edit.history')}>
      <button type="button" className="lab-icon-button" onClick={() => commands.run('edit:undo')} disabled={!undo} aria-label={t('edit.undo')} title={undoLabel}>
        <Icon name="undo" size={17} />
      </button>
      <button type="button" className="lab-icon-button" onClick={() => commands.run('edit:redo')} disabled={!redo} aria-label={t('edit.redo')} title={redoLabel}>
        <Icon name="redo" size={17} />
      </button>
    </div>
  );
}

