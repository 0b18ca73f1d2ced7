import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { call, useEvent, type DatasetLabelDescription } from '../../api';
import { EntryList, type EntryFilter } from './entryList';
import { LabelingSession } from './session';

/** How long to gather a burst of change events (or saves) into one refetch. */
const COALESCE_MS = 80;

/** Re-renders when a store with `subscribe` and `version` changes. */
export function useVersion(store: { subscribe: (listener: () => void) => () => void; version: number }): number {
  const subscribe = useCallback((listener: () => void) => store.subscribe(listener), [store]);
  return useSyncExternalStore(subscribe, () => store.version);
}

/** The session (saves, undo, revisions) for one dataset, for as long as the screen shows it. */
export function useLabelingSession(datasetArn: string): LabelingSession {
  const session = useMemo(() => new LabelingSession(call, datasetArn), [datasetArn]);
  useVersion(session);
  return session;
}

/** The filtered entries; fetched again when the dataset changes (events) or a save fails. */
export function useEntryList(session: LabelingSession, filter: EntryFilter): EntryList {
  const key = JSON.stringify(filter);
  // The filter is compared by value (key), not by identity.
  const list = useMemo(() => new EntryList(call, session, session.datasetArn, filter), [session, key]);
  useVersion(list);
  const timer = useRef<number | undefined>(undefined);
  const refresh = useCallback(() => {
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => list.refresh(), COALESCE_MS);
  }, [list]);
  useEffect(() => session.onNeedsRefresh(refresh), [session, refresh]);
  useEffect(() => () => window.clearTimeout(timer.current), []);
  useEvent('ResourcesChanged', (payload) => {
    if (payload.ResourceArns.length === 0 || payload.ResourceArns.includes(session.datasetArn)) refresh();
  });
  return list;
}

export interface LabelsState {
  labels: DatasetLabelDescription[];
  isLoading: boolean;
  error: unknown;
  refetch: () => void;
  /** Fetches again after a short pause, once for a burst of calls. */
  scheduleRefetch: () => void;
}

/** Every label of the dataset with its counts (all pages of ListDatasetLabels), kept fresh. */
export function useDatasetLabels(datasetArn: string): LabelsState {
  const [state, setState] = useState<{ arn: string; labels: DatasetLabelDescription[]; loaded: boolean; error: unknown }>({
    arn: datasetArn,
    labels: [],
    loaded: false,
    error: null,
  });
  const generation = useRef(0);
  const fetchAll = useCallback(() => {
    const ticket = ++generation.current;
    void (async () => {
      try {
        const labels: DatasetLabelDescription[] = [];
        let NextToken: string | undefined;
        do {
          const page = await call('ListDatasetLabels', { DatasetArn: datasetArn, MaxResults: 100, ...(NextToken ? { NextToken } : {}) });
          labels.push(...page.DatasetLabelDescriptions);
          NextToken = page.NextToken;
        } while (NextToken);
        // In the order they were added, not by name: a label keeps its hotkey and colour when
        // another is added, and the new one takes the next (issue 15).
        labels.sort((a, b) => (a.CreationTimestamp ?? 0) - (b.CreationTimestamp ?? 0) || a.LabelName.localeCompare(b.LabelName));
        if (ticket === generation.current) setState({ arn: datasetArn, labels, loaded: true, error: null });
      } catch (error) {
        if (ticket === generation.current) setState((previous) => ({ ...previous, arn: datasetArn, loaded: true, error }));
      }
    })();
  }, [datasetArn]);
  useEffect(() => {
    fetchAll();
    return () => {
      generation.current++;
    };
  }, [fetchAll]);
  // Events and this window's own saves come in bursts while someone labels fast: one fetch per burst.
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);
  const scheduleRefetch = useCallback(() => {
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(fetchAll, COALESCE_MS);
  }, [fetchAll]);
  useEvent('ResourcesChanged', (payload) => {
    if (payload.ResourceArns.length > 0 && !payload.ResourceArns.includes(datasetArn)) return;
    scheduleRefetch();
  });
  const current = state.arn === datasetArn ? state : { labels: [], loaded: false, error: null };
  return { labels: current.labels, isLoading: !current.loaded, error: current.error, refetch: fetchAll, scheduleRefetch };
}
