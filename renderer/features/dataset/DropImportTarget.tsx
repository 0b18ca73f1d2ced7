import { useEffect, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { carriesFiles, readDrop, selectionSize } from '../../api';
import { useDescribeError } from '../../lib/errors';
import { Icon, useToast } from '../../ui';
import { importIntoDataset } from './imports';
import { useDatasetT } from './i18n';

export interface DropTarget {
  key: string;
  title: string;
  /** What the images go into, as "Importing into the …" names it (the title is an instruction). */
  name: string;
  hint?: string;
  /** Where the dropped images go; a new dataset may be created for them first. */
  datasetArn: () => Promise<string>;
}

// Whether dropped folders are labeled by their subfolders: on unless the user turns it off, for
// the rest of the session, on every page that takes drops.
let autoLabelDrops = true;
const autoLabelListeners = new Set<() => void>();

export function setAutoLabelDrops(value: boolean): void {
  autoLabelDrops = value;
  for (const listener of autoLabelListeners) listener();
}

export function useAutoLabelDrops(): boolean {
  return useSyncExternalStore(
    (listener) => {
      autoLabelListeners.add(listener);
      return () => autoLabelListeners.delete(listener);
    },
    () => autoLabelDrops,
  );
}

// Parts of a page that take drops themselves (a folder field inside the app) turn the overlay off
// while they are shown.
let ownDropAreas = 0;

export function useOwnDrops(active: boolean): void {
  useEffect(() => {
    if (!active) return;
    ownDropAreas++;
    return () => {
      ownDropAreas--;
    };
  }, [active]);
}

/**
 * Files or a folder dragged anywhere over the page: an overlay names where they will go (one zone
 * per dataset when there are two), and the drop starts the import.
 */
export function DropImportTarget({ targets, children }: { targets: readonly DropTarget[]; children: ReactNode }) {
  const { t } = useDatasetT();
  const toast = useToast();
  const describeError = useDescribeError();
  const [isDragging, setDragging] = useState(false);
  const [hovered, setHovered] = useState<string>();
  const overlay = useRef<HTMLDivElement>(null);
  const enabled = targets.length > 0;

  useEffect(() => {
    if (!enabled) return;
    const onEnter = (event: DragEvent) => {
      // A dialog takes its own drops.
      if (!carriesFiles(event.dataTransfer) || ownDropAreas > 0 || document.querySelector('dialog[open]')) return;
      event.preventDefault();
      setDragging(true);
    };
    const onOver = (event: DragEvent) => {
      // Without this the browser would open a file dropped outside the overlay.
      if (carriesFiles(event.dataTransfer)) event.preventDefault();
    };
    const onEnd = (event: DragEvent) => {
      if (carriesFiles(event.dataTransfer)) event.preventDefault();
      setDragging(false);
    };
    document.addEventListener('dragenter', onEnter);
    document.addEventListener('dragover', onOver);
    document.addEventListener('drop', onEnd);
    document.addEventListener('dragend', onEnd);
    return () => {
      document.removeEventListener('dragenter', onEnter);
      document.removeEventListener('dragover', onOver);
      document.removeEventListener('drop', onEnd);
      document.removeEventListener('dragend', onEnd);
    };
  }, [enabled]);

  const drop = (target: DropTarget, dataTransfer: DataTransfer) => {
    const autoLabel = autoLabelDrops;
    void (async () => {
      try {
        const selection = await readDrop(dataTransfer);
        if (selectionSize(selection) === 0) {
          toast.show(t('drop.noImages'), 'danger');
          return;
        }
        const datasetArn = await target.datasetArn();
        toast.show(t('drop.started', { target: target.name }), 'info');
        void importIntoDataset({ datasetArn, selection, autoLabel });
      } catch (error) {
        const text = describeError(error);
        toast.show(text.detail ? `${text.title} ${text.detail}` : text.title, 'danger');
      }
    })();
  };

  return (
    <>
      {children}
      {isDragging ? (
        <div
          ref={overlay}
          className="drop-overlay"
          onDragLeave={(event) => {
            const next = event.relatedTarget as Node | null;
            if (!next || !overlay.current?.contains(next)) {
              setDragging(false);
              setHovered(undefined);
            }
          }}
        >
          <div className={`drop-overlay__zones drop-overlay__zones--${targets.length}`}>
            {targets.map((target) => (
              <div
                key={target.key}
                className={`drop-zone-target ${hovered === target.key || targets.length === 1 ? 'is-hovered' : ''}`}
                data-drop-target={target.key}
                onDragOver={(event) => {
                  event.preventDefault();
                  event.dataTransfer.dropEffect = 'copy';
                  if (hovered !== target.key) setHovered(target.key);
                }}
                onDrop={(event) => {
                  event.preventDefault();
                  event.stopPropagation();
                  setDragging(false);
                  setHovered(undefined);
                  drop(target, event.dataTransfer);
                }}
              >
                <span className="drop-zone-target__icon" aria-hidden="true">
                  <Icon name="upload" size={26} />
                </span>
                <p className="drop-zone-target__title">{target.title}</p>
                {target.hint ? <p className="drop-zone-target__hint">{target.hint}</p> : null}
              </div>
            ))}
          </div>
        </div>
      ) : null}
    </>
  );
}
