import { useEffect, useMemo, useRef, useState, type Dispatch, type SetStateAction } from 'react';
import type { EntryFilter, EntryList } from './entryList';
import type { LabelingSession } from './session';
import { emptySelection, type Selection } from './selection';

export interface GridSelection {
  selection: Selection;
  setSelection: Dispatch<SetStateAction<Selection>>;
  /** How many selected images carry each label (loaded ones), for the grid's label pane. */
  coverage: Map<string, number>;
  /** Select every image of the filtered list (all pages); `selectingAll` while it is asked for. */
  selectAll(): void;
  selectingAll: boolean;
}

/**
 * The grid's selection: a new filter starts a new one, images that left the list leave it too (once
 * the whole list is known), and the labels the selected images carry are counted.
 */
export function useGridSelection(session: LabelingSession, list: EntryList, filter: EntryFilter): GridSelection {
  const [selection, setSelection] = useState<Selection>(emptySelection);
  const [selectingAll, setSelectingAll] = useState(false);

  // A new filter starts a new selection.
  const filterKey = JSON.stringify(filter);
  const lastFilterKey = useRef(filterKey);
  useEffect(() => {
    if (lastFilterKey.current === filterKey) return;
    lastFilterKey.current = filterKey;
    setSelection(emptySelection);
  }, [filterKey]);

  // Images that left the list (labelled out of an "Unlabeled" view, deleted) leave the
  // selection too, when the whole list is known.
  useEffect(() => {
    if (list.total === null || list.loadedCount() !== list.total || selection.ids.size === 0) return;
    const present = new Set(list.loaded().map((loaded) => loaded.EntryId));
    if ([...selection.ids].every((id) => present.has(id))) return;
    setSelection((previous) => ({ ...previous, ids: new Set([...previous.ids].filter((id) => present.has(id))) }));
  }, [list, list.version, list.total, selection.ids]);

  const coverage = useMemo(() => {
    const counts = new Map<string, number>();
    if (selection.ids.size === 0) return counts;
    for (const loaded of list.loaded()) {
      if (!selection.ids.has(loaded.EntryId)) continue;
      for (const label of loaded.Labels) counts.set(label, (counts.get(label) ?? 0) + 1);
    }
    return counts;
    // list.version and session.version change when entries or their annotations do.
  }, [selection, list, list.version, session.version]);

  const selectAll = () => {
    setSelectingAll(true);
    void list
      .allIds()
      .then((ids) => setSelection((previous) => ({ ...previous, ids: new Set(ids) })))
      .finally(() => setSelectingAll(false));
  };

  return { selection, setSelection, coverage, selectAll, selectingAll };
}
