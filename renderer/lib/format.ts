/** Formatting helpers; every one takes the UI language so numbers and dates follow it. */

/** `CreationTimestamp` (epoch seconds) → "Mar 25, 2020, 10:31 AM" / "2020. 3. 25. 오전 10:31". */
export function formatDateTime(epochSeconds: number, language: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(epochSeconds * 1000);
}

export function formatDate(epochSeconds: number, language: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'long' }).format(epochSeconds * 1000);
}

/** A score in [0,1] as the console shows it: three decimals ("0.902"). */
export function formatScore(score: number, language: string): string {
  return new Intl.NumberFormat(language, { minimumFractionDigits: 3, maximumFractionDigits: 3 }).format(score);
}

export function formatCount(count: number, language: string): string {
  return new Intl.NumberFormat(language).format(count);
}

/** A duration for "time left": "45 sec", "3 min", "1 hr 5 min" (in the UI language's units). */
export function formatDuration(seconds: number, language: string): string {
  const unit = (value: number, name: 'second' | 'minute' | 'hour') =>
    new Intl.NumberFormat(language, { style: 'unit', unit: name, unitDisplay: 'short', maximumFractionDigits: 0 }).format(value);
  const total = Math.max(0, Math.round(seconds));
  if (total < 60) return unit(Math.max(1, total), 'second');
  if (total < 3600) return unit(Math.round(total / 60), 'minute');
  const hours = Math.floor(total / 3600);
  const minutes = Math.round((total % 3600) / 60);
  return minutes > 0 ? `${unit(hours, 'hour')} ${unit(minutes, 'minute')}` : unit(hours, 'hour');
}

/** A rate with at most one decimal below 10 ("4.5", "120"). */
export function formatRate(perSecond: number, language: string): string {
  return new Intl.NumberFormat(language, { maximumFractionDigits: perSecond < 10 ? 1 : 0 }).format(perSecond);
}
