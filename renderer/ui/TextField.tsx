import { forwardRef, useId, type InputHTMLAttributes, type ReactNode } from 'react';
import { Icon } from './Icon';
import './TextField.css';

export interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'size'> {
  label: ReactNode;
  hint?: ReactNode;
  /** Shown under the field, announced, and marks the field invalid. */
  error?: ReactNode;
  /** Content inside the field's right edge (a reveal toggle). */
  trailing?: ReactNode;
  mono?: boolean;
}

export const TextField = forwardRef<HTMLInputElement, TextFieldProps>(function TextField(
  { label, hint, error, trailing, mono = false, id, className, ...rest },
  ref,
) {
  const generated = useId();
  const inputId = id ?? generated;
  const hintId = `${inputId}-hint`;
  const errorId = `${inputId}-error`;
  // The error replaces the hint: both at once repeat themselves.
  const showHint = Boolean(hint) && !error;
  const describedBy = (error ? errorId : showHint ? hintId : '') || undefined;
  return (
    <div className={`ui-field ${className ?? ''}`}>
      <label className="ui-field__label" htmlFor={inputId}>
        {label}
      </label>
      <div className={`ui-field__control ${error ? 'is-invalid' : ''}`}>
        <input
          ref={ref}
          id={inputId}
          className={`ui-field__input ${mono ? 'is-mono' : ''}`}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          {...rest}
        />
        {trailing ? <div className="ui-field__trailing">{trailing}</div> : null}
      </div>
      {error ? (
        <p id={errorId} className="ui-field__error" role="alert">
          <Icon name="alert" size={14} />
          <span>{error}</span>
        </p>
      ) : null}
      {showHint ? (
        <p id={hintId} className="ui-field__hint">
          {hint}
        </p>
      ) : null}
    </div>
  );
});
