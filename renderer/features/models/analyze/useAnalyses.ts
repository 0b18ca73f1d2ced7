import { useCallback, useEffect, useRef, useState } from 'react';
import { call, toApiError, type ApiError, type CustomLabel, type ImageAnomalies } from '../../../api';
import { prepareImage, type PreparedImage } from './images';

/** `undefined`: each label's assumed threshold (MinConfidence left out); a number: one cut-off, 0–100. */
export type MinConfidence = number | undefined;

export interface Analysis {
  id: number;
  file: File;
  name: string;
  /** An object URL of the file, for showing it. */
  url: string;
  status: 'reading' | 'analyzing' | 'done' | 'failed';
  prepared?: PreparedImage;
  labels?: CustomLabel[];
  /** An anomaly model's answer: score against threshold and the heat map (its verdict is also the one label). */
  anomaly?: ImageAnomalies;
  error?: ApiError;
  /** The setting `labels` were found with. */
  minConfidence?: MinConfidence;
  /** When the last answer came (ms). */
  analyzedMs?: number;
  /** Added to the training dataset. */
  added?: boolean;
}

const CONCURRENCY = 3;
let nextId = 1;

export interface AnalysesOptions {
  /** Keep only this many newest images (a kiosk); older ones are let go. */
  keep?: number;
  /** Called when an image has its first answer. */
  onFirstResult?: (analysis: Analysis) => void;
  /** The model is an anomaly model: ask DetectImageAnomalies, which adds the score and heat map. */
  anomaly?: boolean;
}

/** An anomaly model's verdict as the one label DetectCustomLabels would give (`normal` or `anomaly`), with the score and heat map beside it. */
async function detectAnomalies(versionArn: string, bytes: string, minConfidence: MinConfidence): Promise<{ labels: CustomLabel[]; anomaly: ImageAnomalies }> {
  const anomaly = await call('DetectImageAnomalies', { ProjectVersionArn: versionArn, Image: { Bytes: bytes } });
  const label = { Name: anomaly.IsAnomalous ? 'anomaly' : 'normal', Confidence: anomaly.Confidence };
  return { labels: minConfidence === undefined || label.Confidence >= minConfidence ? [label] : [], anomaly };
}

/**
 * Images analysed with DetectCustomLabels, newest first, a few at a time. Changing the minimum
 * confidence asks again for every image (the answer depends on it), keeping the bytes already read.
 */
export function useAnalyses(versionArn: string, minConfidence: MinConfidence, options: AnalysesOptions = {}) {
  const [items, setItems] = useState<Analysis[]>([]);
  const itemsRef = useRef<Analysis[]>([]);
  const setting = useRef<MinConfidence>(minConfidence);
  setting.current = minConfidence;
  const queue = useRef<number[]>([]);
  const running = useRef(0);
  const optionsRef = useRef(options);
  optionsRef.current = options;
  const mounted = useRef(true);

  const commit = useCallback((next: Analysis[]) => {
    itemsRef.current = next;
    if (mounted.current) setItems(next);
  }, []);
  const patch = useCallback(
    (id: number, change: Partial<Analysis>) => commit(itemsRef.current.map((item) => (item.id === id ? { ...item, ...change } : item))),
    [commit],
  );

  const pump = useCallback(() => {
    while (running.current < CONCURRENCY && queue.current.length > 0) {
      const id = queue.current.shift()!;
      const item = itemsRef.current.find((candidate) => candidate.id === id);
      if (!item) continue;
      running.current++;
      void (async () => {
        const wanted = setting.current;
        // The setting changed while this image was asked about: ask again with the new one (the
        // change found it still in flight, so it did not queue it).
        const askAgain = () => {
          if (!queue.current.includes(id)) queue.current.push(id);
        };
        try {
          let prepared = item.prepared;
          if (!prepared) {
            prepared = await prepareImage(item.file);
            patch(id, { prepared, status: 'analyzing' });
          }
          const answer = optionsRef.current.anomaly
            ? await detectAnomalies(versionArn, prepared.bytes, wanted)
            : {
                labels: (
                  await call('DetectCustomLabels', {
                    ProjectVersionArn: versionArn,
                    Image: { Bytes: prepared.bytes },
                    ...(wanted === undefined ? {} : { MinConfidence: wanted }),
                  })
                ).CustomLabels,
              };
          if (setting.current !== wanted) return askAgain();
          const first = itemsRef.current.find((candidate) => candidate.id === id)?.analyzedMs === undefined;
          patch(id, { status: 'done', ...answer, minConfidence: wanted, analyzedMs: Date.now(), error: undefined });
          const done = itemsRef.current.find((candidate) => candidate.id === id);
          if (first && done) optionsRef.current.onFirstResult?.(done);
        } catch (error) {
          if (setting.current !== wanted) return askAgain();
          patch(id, { status: 'failed', error: toApiError(error), minConfidence: wanted });
        } finally {
          running.current--;
          pump();
        }
      })();
    }
  }, [patch, versionArn]);

  const add = useCallback(
    (files: readonly File[]) => {
      if (files.length === 0) return;
      const fresh: Analysis[] = files.map((file) => ({ id: nextId++, file, name: file.webkitRelativePath || file.name, url: URL.createObjectURL(file), status: 'reading' }));
      let next = [...fresh.reverse(), ...itemsRef.current];
      const keep = optionsRef.current.keep;
      if (keep !== undefined && next.length > keep) {
        for (const dropped of next.slice(keep)) URL.revokeObjectURL(dropped.url);
        next = next.slice(0, keep);
      }
      commit(next);
      queue.current.push(...fresh.map((item) => item.id).reverse());
      pump();
    },
    [commit, pump],
  );

  const remove = useCallback(
    (id: number) => {
      const item = itemsRef.current.find((candidate) => candidate.id === id);
      if (item) URL.revokeObjectURL(item.url);
      commit(itemsRef.current.filter((candidate) => candidate.id !== id));
    },
    [commit],
  );

  const clear = useCallback(() => {
    for (const item of itemsRef.current) URL.revokeObjectURL(item.url);
    queue.current = [];
    commit([]);
  }, [commit]);

  // A new minimum confidence: ask again for every image that has an answer.
  useEffect(() => {
    const stale = itemsRef.current.filter((item) => (item.status === 'done' || item.status === 'failed') && item.prepared && item.minConfidence !== minConfidence);
    if (stale.length === 0) return;
    const ids = new Set(stale.map((item) => item.id));
    commit(itemsRef.current.map((item) => (ids.has(item.id) ? { ...item, status: 'analyzing' } : item)));
    queue.current.push(...stale.map((item) => item.id).filter((id) => !queue.current.includes(id)));
    pump();
  }, [minConfidence, commit, pump]);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      for (const item of itemsRef.current) URL.revokeObjectURL(item.url);
    };
  }, []);

  return { items, add, remove, clear, patch };
}
