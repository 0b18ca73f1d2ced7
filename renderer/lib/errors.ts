import { useCallback } from 'react';
import { getI18n, useTranslation } from 'react-i18next';
import { toApiError } from '../api';
import { backendText } from './backendMessages';

/** What the screens show for a failed operation. */
export interface ErrorText {
  /** A friendly sentence for the error code, in the UI language. */
  title: string;
  /** The backend's own message (names the field, the resource), when it adds something: in the UI's language when the backend gave its code. */
  detail: string | undefined;
  code: string;
  /** "Error code: ResourceInUseException". */
  codeText: string;
}

/** Maps any error to friendly text; unknown codes fall back to a generic sentence. */
export function useDescribeError(): (error: unknown) => ErrorText {
  const { t } = useTranslation();
  return useCallback(
    (thrown: unknown) => {
      const error = toApiError(thrown);
      const key = `errors.codes.${error.code}`;
      const title = getI18n().exists(key) ? (t(key as 'errors.codes.ValidationException') as string) : t('errors.unknown');
      const message = backendText(error.messageCode, error.messageParams, error.message);
      const detail = message && message !== title ? message : undefined;
      return { title, detail, code: error.code, codeText: t('errors.code', { code: error.code }) };
    },
    [t],
  );
}
