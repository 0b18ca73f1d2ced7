import { getI18n } from 'react-i18next';
import { parseMessage } from '../../preload/contract/messages';
import { userPathOf } from '../api';

/**
 * A backend sentence in the UI's language, from its code and parameters
 * (preload/contract/messages.ts); the backend's English when the locale has no words for the code.
 */
export function backendText(code: string | undefined, params: Record<string, string | number> | undefined, english: string): string {
  if (!code) return english;
  const i18n = getI18n();
  // A file the user uploaded is named as the user knows it, not by Loupe's copy (issue 15).
  const values = Object.fromEntries(Object.entries(params ?? {}).map(([name, value]) => [name, typeof value === 'string' ? userPathOf(value) : value]));
  if (code === 'ImportSummary') return importSummary(values, english);
  const key = `backend.${code}`;
  if (!i18n.exists(key) || typeof i18n.t(key as 'backend.NoFolderAt', { returnObjects: true }) !== 'string') return english;
  // A sentence around a reason that is one of Loupe's sentences too (`reasonCode`): the reason in the same language.
  const reasonKey = typeof values.reasonCode === 'string' ? `backend.${values.reasonCode}` : undefined;
  if (reasonKey && i18n.exists(reasonKey)) {
    const reason = i18n.t(reasonKey as 'backend.NoFolderAt', values);
    // What was measured, after the reason's sentence, as the backend said it.
    values.reason = typeof values.reasonDetail === 'string' ? `${reason} ${values.reasonDetail}` : reason;
  }
  return i18n.t(key as 'backend.NoFolderAt', values);
}

/** The import summary is put together from its counts, each part in the UI's language. */
function importSummary(params: Record<string, string | number>, english: string): string {
  const i18n = getI18n();
  const count = (name: string) => (typeof params[name] === 'number' ? params[name] : Number(params[name] ?? 0));
  if (!Number.isFinite(count('written'))) return english;
  const parts = [i18n.t('backend.ImportSummaryParts.written', { count: count('written') })];
  if (count('invalid') > 0) parts.push(i18n.t('backend.ImportSummaryParts.invalid', { count: count('invalid') }));
  if (count('dropped') > 0) parts.push(i18n.t('backend.ImportSummaryParts.dropped', { count: count('dropped'), first: String(params.firstDropped ?? '') }));
  if (count('skipped') > 0) parts.push(i18n.t('backend.ImportSummaryParts.skipped', { count: count('skipped'), kinds: String(params.skippedKinds ?? '') }));
  return i18n.t('backend.ImportSummaryParts.sentence', { parts: parts.join(i18n.t('backend.ImportSummaryParts.separator')) });
}

/** A StatusMessage (text only in the service's shapes) in the UI's language when it is one of Loupe's sentences. */
export function statusText(message: string): string {
  const ref = parseMessage(message);
  return ref ? backendText(ref.Code, ref.Params, message) : message;
}
