import { useEffect, useId, useState } from 'react';
import { hasLocalPaths, readDrop, useMutation, useQuery, type WatchedFolder } from '../../api';
import { useDescribeError } from '../../lib/errors';
import { formatCount } from '../../lib/format';
import { Button, Checkbox, ErrorAlert, Icon, StatusBadge, TextField, useToast } from '../../ui';
import { useOwnDrops } from './DropImportTarget';
import { PathPicker } from './PathPicker';
import { useDatasetT } from './i18n';

/** Counts change as files come and go; events say so, and this catches what they do not. */
const REFRESH_MS = 5000;

export interface WatchedFoldersPanelProps {
  projectArn: string;
  datasetArn: string;
  /** The form for a new folder is open (the dataset's Actions menu opens it too). */
  isAdding: boolean;
  onAddingChange: (isAdding: boolean) => void;
}

/**
 * Folders whose images Loupe keeps in this dataset as they appear, move and disappear. With none
 * watched and no form open it takes no room, so the gallery starts high (issue 15).
 */
export function WatchedFoldersPanel({ projectArn, datasetArn, isAdding, onAddingChange: setAdding }: WatchedFoldersPanelProps) {
  const { t, i18n } = useDatasetT();
  const toast = useToast();
  const describeError = useDescribeError();
  const listed = useQuery('ListWatchedFolders', { ProjectArn: projectArn });
  const watch = useMutation('WatchFolder');
  const unwatch = useMutation('UnwatchFolder');
  const [folder, setFolder] = useState('');
  const [autoLabel, setAutoLabel] = useState(true);
  const [submitted, setSubmitted] = useState(false);
  const titleId = useId();
  // Inside the app a folder dropped on the form fills its path instead of being imported.
  useOwnDrops(isAdding && hasLocalPaths());

  const folders = (listed.data?.WatchedFolders ?? []).filter((watched) => watched.DatasetArn === datasetArn);
  const refetch = listed.refetch;
  const hasFolders = folders.length > 0;
  useEffect(() => {
    if (!hasFolders) return;
    const timer = window.setInterval(refetch, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [hasFolders, refetch]);

  const path = folder.trim();
  const add = async () => {
    setSubmitted(true);
    if (!path) return;
    try {
      await watch.run({ DatasetArn: datasetArn, Folder: path, AutoLabel: autoLabel });
      toast.show(t('watch.added', { folder: path }));
      setFolder('');
      setSubmitted(false);
      setAdding(false);
    } catch {
      // watch.error is shown under the form.
    }
  };

  const remove = async (watched: WatchedFolder) => {
    try {
      await unwatch.run({ DatasetArn: datasetArn, Folder: watched.Folder });
      toast.show(t('watch.removed', { folder: watched.Folder }));
    } catch (error) {
      toast.show(describeError(error).title, 'danger');
    }
  };

  if (!hasFolders && !isAdding && !(listed.error && !listed.data)) return null;
  return (
    <section className="watched" aria-labelledby={titleId}>
      <header className="watched__head">
        <span className="watched__icon" aria-hidden="true">
          <Icon name="eye" size={16} />
        </span>
        <div className="watched__titles">
          <h3 className="watched__title" id={titleId}>
            {t('watch.title')}
            {hasFolders ? <span className="watched__count">{folders.length}</span> : null}
          </h3>
          <p className="watched__description">{t('watch.description')}</p>
        </div>
        {!isAdding ? (
          <Button size="sm" icon="plus" onClick={() => setAdding(true)}>
            {t('watch.add')}
          </Button>
        ) : null}
      </header>
      {isAdding ? (
        <form
          className="watched__form"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void add();
          }}
        >
          <div
            className="watched__fields"
            onDragOver={(event) => {
              if (hasLocalPaths()) event.preventDefault();
            }}
            onDrop={(event) => {
              // Inside the app a dropped folder fills the path; a browser cannot say where it is.
              if (!hasLocalPaths()) return;
              event.preventDefault();
              event.stopPropagation();
              void readDrop(event.dataTransfer).then((selection) => {
                const dropped = selection.folders[0]?.path;
                if (dropped) setFolder(dropped);
              });
            }}
          >
            <TextField
              label={t('watch.folderLabel')}
              placeholder={t('watch.folderPlaceholder')}
              hint={t('watch.folderHint')}
              error={submitted && !path ? t('watch.folderRequired') : undefined}
              value={folder}
              mono
              autoFocus
              spellCheck={false}
              autoComplete="off"
              onChange={(event) => {
                setFolder(event.target.value);
                watch.reset();
              }}
              trailing={
                <PathPicker
                  purpose="watchedFolder"
                  onPath={(path) => {
                    setFolder(path);
                    watch.reset();
                  }}
                />
              }
            />
            <Checkbox label={t('sources.autoLabel')} hint={t('sources.autoLabelHint')} checked={autoLabel} onChange={(event) => setAutoLabel(event.target.checked)} />
          </div>
          {watch.error ? <ErrorAlert {...describeError(watch.error)} /> : null}
          <div className="watched__actions">
            <Button
              onClick={() => {
                setAdding(false);
                setSubmitted(false);
                watch.reset();
              }}
              disabled={watch.isPending}
            >
              {t('common.cancel')}
            </Button>
            <Button type="submit" variant="primary" isBusy={watch.isPending}>
              {t('watch.submit')}
            </Button>
          </div>
        </form>
      ) : null}
      {hasFolders ? (
        <ul className="watched__list">
          {folders.map((watched) => (
            <li key={watched.Folder} className="watched-folder" aria-label={watched.Folder}>
              <Icon name="folder" size={16} />
              <div className="watched-folder__text">
                <code className="watched-folder__path">{watched.Folder}</code>
                <span className="watched-folder__meta">
                  {watched.AutoLabel ? t('watch.labelsFromFolders') : t('watch.noLabels')}
                  {watched.Status === 'ERROR' && watched.Message ? <span className="watched-folder__problem"> · {watched.Message}</span> : null}
                </span>
              </div>
              <span className="watched-folder__count tabular">{t('watch.images', { count: watched.EntryCount, formatted: formatCount(watched.EntryCount, i18n.language) })}</span>
              <StatusBadge tone={watched.Status === 'WATCHING' ? 'success' : 'danger'}>{t(`watch.status.${watched.Status}`)}</StatusBadge>
              <Button
                variant="ghost"
                size="sm"
                icon="trash"
                className="watched-folder__remove"
                aria-label={t('watch.remove', { folder: watched.Folder })}
                title={t('watch.remove', { folder: watched.Folder })}
                disabled={unwatch.isPending}
                onClick={() => void remove(watched)}
              />
            </li>
          ))}
        </ul>
      ) : null}
      {listed.error && !listed.data ? <ErrorAlert {...describeError(listed.error)} /> : null}
    </section>
  );
}
