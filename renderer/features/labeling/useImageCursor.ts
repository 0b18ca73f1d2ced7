import { useCallback, useEffect, useState } from 'react';
import type { SetURLSearchParams } from 'react-router-dom';
import type { EntryView } from '../../api';
import type { EntryList } from './entryList';

export interface ImageCursor {
  /** The open image's position in the list, and its id once known. */
  current: { index: number; id: number | null };
  entry: EntryView | undefined;
  previousEntry: EntryView | undefined;
  nextEntry: EntryView | undefined;
  goTo(index: number): void;
  openImage(index: number): void;
  closeImage(): void;
}

/**
 * The single-image view's position: kept in the URL (`?view=image&i=N`), its neighbours loaded, and
 * followed by id when the list shifts (an image that left the filter once labelled is replaced by the
 * one that took its place). `onClose(index, id)` hands the position back to the grid.
 */
export function useImageCursor(
  list: EntryList,
  mode: 'grid' | 'image',
  params: URLSearchParams,
  setParams: SetURLSearchParams,
  onClose: (index: number, id: number | undefined) => void,
): ImageCursor {
  const total = list.total ?? 0;
  const [current, setCurrent] = useState<{ index: number; id: number | null }>(() => ({
    index: Math.max(0, Number(params.get('i')) || 0),
    // The dataset page opens one image by its entry id; the cursor follows it by id.
    id: Number(params.get('entry')) || null,
  }));

  const entry = mode === 'image' ? list.at(current.index) : undefined;
  const previousEntry = mode === 'image' && current.index > 0 ? list.at(current.index - 1) : undefined;
  const nextEntry = mode === 'image' ? list.at(current.index + 1) : undefined;

  useEffect(() => {
    if (mode === 'image') list.ensure(Math.max(0, current.index - 1), current.index + 2);
  }, [mode, list, current.index]);

  // The open image is followed by id: when the list shifts (an image left the filter once it
  // was labelled), the view stays on the same image, or on the one that took its place.
  useEffect(() => {
    if (mode !== 'image' || list.total === null) return;
    if (list.total > 0 && current.index >= list.total) {
      setCurrent({ index: list.total - 1, id: null });
      return;
    }
    const at = list.at(current.index);
    if (current.id === null) {
      if (at) setCurrent({ index: current.index, id: at.EntryId });
      return;
    }
    if (at?.EntryId === current.id) return;
    const found = list.indexOf(current.id);
    if (found !== undefined) setCurrent({ index: found, id: current.id });
    else if (at) setCurrent({ index: current.index, id: at.EntryId });
  }, [mode, list, list.version, list.total, current]);

  useEffect(() => {
    if (mode !== 'image' || params.get('i') === String(current.index)) return;
    setParams({ view: 'image', i: String(current.index) }, { replace: true });
  }, [mode, current.index, params, setParams]);

  const goTo = useCallback(
    (index: number) => {
      if (index < 0 || index >= total) return;
      setCurrent({ index, id: list.at(index)?.EntryId ?? null });
    },
    [list, total],
  );

  const openImage = (index: number) => {
    setCurrent({ index, id: list.at(index)?.EntryId ?? null });
    setParams({ view: 'image', i: String(index) });
  };

  const closeImage = () => {
    const index = current.index;
    onClose(index, list.at(index)?.EntryId);
    setParams({}, { replace: false });
  };

  return { current, entry, previousEntry, nextEntry, goTo, openImage, closeImage };
}
