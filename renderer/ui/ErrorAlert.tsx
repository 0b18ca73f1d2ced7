import type { ReactNode } from 'react';
import { Alert } from './Alert';

export interface ErrorAlertProps {
  title: string;
  detail?: string | undefined;
  code: string;
  codeText: string;
  actions?: ReactNode;
}

/** A failed operation: friendly sentence, the backend's message, and the error code. */
export function ErrorAlert({ title, detail, code, codeText, actions }: ErrorAlertProps) {
  return (
    <Alert tone="danger" title={title} actions={actions}>
      {detail ? <p className="ui-alert__detail">{detail}</p> : null}
      <p className="ui-alert__code">
        <span className="visually-hidden">{codeText}</span>
        <code aria-hidden="true">{code}</code>
      </p>
    </Alert>
  );
}
