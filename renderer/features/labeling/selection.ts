/**
 * Grid selection: by EntryId over the whole filtered list (not just what is on screen), with an
 * anchor for Shift ranges and a cursor for the keyboard, both as list indexes.
 */
export interface Selection {
  ids: ReadonlySet<number>;
  anchor: number | null;
  cursor: number | null;
}

export const emptySelection: Selection = { ids: new Set(), anchor: null, cursor: null };

export function selectOnly(id: number, index: number): Selection {
  return { ids: new Set([id]), anchor: index, cursor: index };
}

export function toggleOne(selection: Selection, id: number, index: number): Selection {
  const ids = new Set(selection.ids);
  if (ids.has(id)) ids.delete(id);
  else ids.add(id);
  return { ids, anchor: index, cursor: index };
}

/** The range from the anchor to `index` (ids fetched for it); added to the selection or replacing it. */
export function withRange(selection: Selection, rangeIds: readonly number[], index: number, isAdditive: boolean): Selection {
  const ids = new Set(isAdditive ? selection.ids : []);
  for (const id of rangeIds) ids.add(id);
  return { ids, anchor: selection.anchor ?? index, cursor: index };
}

export function withIds(selection: Selection, ids: readonly number[], isAdditive: boolean): Selection {
  const next = new Set(isAdditive ? selection.ids : []);
  for (const id of ids) next.add(id);
  return { ...selection, ids: next };
}
