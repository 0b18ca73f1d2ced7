import { useCallback, useState } from 'react';
import { readCounts, readPrefs, writeCounts, writePrefs, type KioskPrefs, type ShiftCounts } from './kioskStore';

/** The kiosk's settings for one model, read from and written to localStorage. */
export function useKioskPrefs(arn: string): [KioskPrefs, (next: KioskPrefs) => void] {
  const [prefs, setPrefsState] = useState<KioskPrefs>(() => readPrefs(arn));
  const setPrefs = (next: KioskPrefs) => {
    setPrefsState(next);
    writePrefs(arn, next);
  };
  return [prefs, setPrefs];
}

/** The shift's verdict counts for one model, kept in localStorage on every change. */
export function useShiftCounts(arn: string): [ShiftCounts, (update: (previous: ShiftCounts) => ShiftCounts) => void] {
  const [counts, setCountsState] = useState<ShiftCounts>(() => readCounts(arn, Date.now()));
  const setCounts = useCallback(
    (update: (previous: ShiftCounts) => ShiftCounts) =>
      setCountsState((previous) => {
        const next = update(previous);
        writeCounts(arn, next);
        return next;
      }),
    [arn],
  );
  return [counts, setCounts];
}
