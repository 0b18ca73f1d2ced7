import { useCallback, useEffect, useRef, useState } from 'react';
import { call, useEvent, type DatasetLabelDescription } from '../../api';

/** Every label of the dataset with its image and box counts (all pages of ListDatasetLabels). */
export function useDatasetLabels(datasetArn: string): DatasetLabelDescription[] | undefined {
  const [labels, setLabels] = useState<DatasetLabelDescription[]>();
  const generation = useRef(0);

  const load = useCallback(() => {
    const ticket = ++generation.current;
    void (async () => {
      const all: DatasetLabelDescription[] = [];
      let token: string | undefined;
      do {
        const page = await call('ListDatasetLabels', { DatasetArn: datasetArn, MaxResults: 100, ...(token ? { NextToken: token } : {}) });
        all.push(...page.DatasetLabelDescriptions);
        token = page.NextToken;
      } while (token && ticket === generation.current);
      if (ticket === generation.current) setLabels(all);
    })().catch(() => {
      // The list stays as it was; the gallery and the stats show the dataset's problem.
    });
  }, [datasetArn]);

  useEffect(() => {
    setLabels(undefined);
    load();
    return () => {
      generation.current++;
    };
  }, [load]);

  useEvent('ResourcesChanged', (payload) => {
    if (payload.ResourceArns.includes(datasetArn)) load();
  });
  return labels;
}
