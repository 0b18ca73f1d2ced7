import type { ReactNode } from 'react';
import './CodeBlock.css';

/** A shell command or snippet; `actions` holds its copy button. */
export function CodeBlock({ code, label, actions }: { code: string; label?: ReactNode; actions?: ReactNode }) {
  return (
    <figure className="ui-code">
      {label || actions ? (
        <figcaption className="ui-code__bar">
          <span className="ui-code__label">{label}</span>
          {actions}
        </figcaption>
      ) : null}
      <pre className="ui-code__pre">
        <code>{code}</code>
      </pre>
    </figure>
  );
}
