/** The kiosk's settings and shift counts per model version, kept in localStorage. */

export interface KioskPrefs {
  /** `auto`: guessed from the labels; '' : no OK/NG, show the label; else the OK label. */
  okLabel: string;
  /** Move analysed files of a watched folder into a subfolder per verdict. */
  moveFiles: boolean;
}

export interface ShiftCounts {
  sinceMs: number;
  counts: Record<string, number>;
}

const prefsKey = (arn: string) => `loupe.kiosk.prefs.${arn}`;
const countsKey = (arn: string) => `loupe.kiosk.counts.${arn}`;

function readJson<T>(key: string): Partial<T> | undefined {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as Partial<T>) : undefined;
  } catch {
    return undefined;
  }
}

function writeJson(key: string, value: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or refused: the kiosk keeps working with what it holds.
  }
}

export function readPrefs(arn: string): KioskPrefs {
  const stored = readJson<KioskPrefs>(prefsKey(arn));
  return { okLabel: typeof stored?.okLabel === 'string' ? stored.okLabel : 'auto', moveFiles: stored?.moveFiles === true };
}

export function writePrefs(arn: string, prefs: KioskPrefs): void {
  writeJson(prefsKey(arn), prefs);
}

export function readCounts(arn: string, nowMs: number): ShiftCounts {
  const stored = readJson<ShiftCounts>(countsKey(arn));
  const counts: Record<string, number> = {};
  for (const [key, value] of Object.entries(stored?.counts ?? {})) if (typeof value === 'number' && value > 0) counts[key] = value;
  return { sinceMs: typeof stored?.sinceMs === 'number' ? stored.sinceMs : nowMs, counts };
}

export function writeCounts(arn: string, counts: ShiftCounts): void {
  writeJson(countsKey(arn), counts);
}
