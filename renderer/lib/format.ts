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
