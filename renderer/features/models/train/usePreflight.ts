import { useEffect, useRef, useState } from 'react';
import { call, toApiError, useEvent, type ApiError, type DatasetLabelDescription, type DatasetMetadata } from '../../../api';
import { preflight, type DatasetFacts, type EntryFacts, type Preflight } from './preflight';

/** Datasets larger than this are judged from their label statistics instead of every entry. */
const ENTRY_CAP = 50_000;
const PAGE = 1000;

async function allLabels(datasetArn: string): Promise<DatasetLabelDescription[]> {
  const labels: DatasetLabelDescription[] = [];
  let token: string | undefined;
  do {
    const page = await call('ListDatasetLabels', { DatasetArn: datasetArn, MaxResults: 100, ...(token ? { NextToken: token } : {}) });
    labels.push(...page.DatasetLabelDescriptions);
    token = page.NextToken;
  } while (token);
  return labels;
}

async function allEntries(datasetArn: string, total: number): Promise<EntryFacts[] | undefined> {
  if (total > ENTRY_CAP) return undefined;
  const entries: EntryFacts[] = [];
  for (let offset = 0; offset < total; offset += PAGE) {
    const page = await call('ListEntries', { DatasetArn: datasetArn, Offset: offset, MaxResults: PAGE });
    for (const entry of page.Entries) entries.push({ Labels: entry.Labels, Boxes: entry.Boxes, Errors: entry.Errors, ...(entry.ContentHash ? { ContentHash: entry.ContentHash } : {}) });
    if (page.Entries.length < PAGE) break;
  }
  return entries;
}

async function factsOf(dataset: DatasetMetadata | undefined): Promise<DatasetFacts | undefined> {
  if (!dataset) return undefined;
  const [described, labels] = await Promise.all([call('DescribeDataset', { DatasetArn: dataset.DatasetArn }), allLabels(dataset.DatasetArn)]);
  const { Status, DatasetStats } = described.DatasetDescription;
  const entries = await allEntries(dataset.DatasetArn, DatasetStats.TotalEntries);
  return { status: Status, stats: DatasetStats, labels, ...(entries ? { entries } : {}) };
}

export interface PreflightState {
  result: Preflight | undefined;
  error: ApiError | undefined;
  isLoading: boolean;
}

/** The pre-flight check of a project's datasets, worked out again whenever they change. */
export function usePreflight(datasets: readonly DatasetMetadata[] | undefined, options: { anomaly?: boolean } = {}): PreflightState {
  const anomaly = options.anomaly ?? false;
  const [state, setState] = useState<PreflightState>({ result: undefined, error: undefined, isLoading: true });
  const [generation, setGeneration] = useState(0);
  const timer = useRef<number | undefined>(undefined);
  const key = JSON.stringify(datasets?.map((dataset) => [dataset.DatasetArn, dataset.Status]) ?? null);

  useEvent('ResourcesChanged', () => {
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => setGeneration((value) => value + 1), 400);
  });
  useEffect(() => () => window.clearTimeout(timer.current), []);

  useEffect(() => {
    if (!datasets) return;
    let active = true;
    const train = datasets.find((dataset) => dataset.DatasetType === 'TRAIN');
    const test = datasets.find((dataset) => dataset.DatasetType === 'TEST');
    Promise.all([factsOf(train), factsOf(test)]).then(
      ([trainFacts, testFacts]) => {
        if (active) setState({ result: preflight(trainFacts, testFacts, { anomaly }), error: undefined, isLoading: false });
      },
      (error: unknown) => {
        if (active) setState((previous) => ({ result: previous.result, error: toApiError(error), isLoading: false }));
      },
    );
    return () => {
      active = false;
    };
    // `key` stands for the datasets' identity and status.
  }, [key, generation, anomaly]);

  return state;
}
