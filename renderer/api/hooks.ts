import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { EventName, Events, InputOf, OperationName, OutputOf } from '../../preload/contract/api';
import { toApiError, type ApiError } from './ApiError';
import { call, invalidateQueries, onStale, subscribe } from './client';
import { getSessionState, subscribeSession, type SessionState } from './session';

export interface QueryState<T> {
  /** The latest value, kept while a refetch is in flight. */
  data: T | undefined;
  /** The last failure; cleared by the next success. */
  error: ApiError | undefined;
  /** True until the first answer (value or error) for this input. */
  isLoading: boolean;
  refetch: () => void;
}

/** Last answers by operation and input, so a screen opened again paints at once. */
const cache = new Map<string, unknown>();

/** How long to gather a burst of change events into one refetch. */
const COALESCE_MS = 30;

export interface QueryOptions {
  /** False: do not run (yet). */
  enabled?: boolean;
  /** False for answers that resource changes cannot affect (versions, credentials). */
  live?: boolean;
}

/**
 * Runs a read operation and keeps its answer fresh: it refetches when resources change (an event
 * from the backend or a mutation from this window) and when the input changes.
 */
export function useQuery<N extends OperationName>(
  name: N,
  input: InputOf<N>,
  options: QueryOptions = {},
): QueryState<OutputOf<N>> {
  const enabled = options.enabled ?? true;
  const live = options.live ?? true;
  const key = `${name}:${JSON.stringify(input)}`;
  const inputRef = useRef(input);
  inputRef.current = input;

  const [state, setState] = useState<{ key: string; data: unknown; error: ApiError | undefined; settled: boolean }>(() => ({
    key,
    data: cache.get(key),
    error: undefined,
    settled: cache.has(key),
  }));
  const current = state.key === key ? state : { key, data: cache.get(key), error: undefined, settled: cache.has(key) };

  const generation = useRef(0);
  const fetchNow = useCallback(() => {
    const ticket = ++generation.current;
    call(name, inputRef.current).then(
      (value) => {
        cache.set(key, value);
        if (ticket === generation.current) setState({ key, data: value, error: undefined, settled: true });
      },
      (error: unknown) => {
        if (ticket !== generation.current) return;
        setState((previous) => ({
          key,
          data: previous.key === key ? previous.data : cache.get(key),
          error: toApiError(error),
          settled: true,
        }));
      },
    );
  }, [name, key]);

  useEffect(() => {
    if (!enabled) return;
    fetchNow();
    let timer: number | undefined;
    const off = live
      ? onStale(() => {
          window.clearTimeout(timer);
          timer = window.setTimeout(fetchNow, COALESCE_MS);
        })
      : () => undefined;
    return () => {
      off();
      window.clearTimeout(timer);
      // Answers that arrive after unmount or an input change are ignored.
      generation.current++;
    };
  }, [enabled, live, fetchNow]);

  return {
    data: current.data as OutputOf<N> | undefined,
    error: current.error,
    isLoading: enabled && !current.settled,
    refetch: fetchNow,
  };
}

export interface MutationState<N extends OperationName> {
  run: (input: InputOf<N>) => Promise<OutputOf<N>>;
  isPending: boolean;
  error: ApiError | undefined;
  reset: () => void;
}

/**
 * Runs a write operation. `run` rejects with an ApiError (also kept in `error` for display); on
 * success every mounted query refetches.
 */
export function useMutation<N extends OperationName>(name: N): MutationState<N> {
  const [isPending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const run = useCallback(
    async (input: InputOf<N>) => {
      setPending(true);
      setError(undefined);
      try {
        const value = await call(name, input);
        invalidateQueries();
        return value;
      } catch (thrown) {
        const apiError = toApiError(thrown);
        if (mounted.current) setError(apiError);
        throw apiError;
      } finally {
        if (mounted.current) setPending(false);
      }
    },
    [name],
  );
  const reset = useCallback(() => setError(undefined), []);
  return { run, isPending, error, reset };
}

/** Calls `listener` for each event of this kind while the component is mounted. */
export function useEvent<E extends EventName>(event: E, listener: (payload: Events[E]) => void): void {
  const ref = useRef(listener);
  ref.current = listener;
  useEffect(() => subscribe(event, (payload) => ref.current(payload)), [event]);
}

export function useSession(): SessionState {
  return useSyncExternalStore(subscribeSession, getSessionState);
}
