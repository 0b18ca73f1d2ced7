import { forwardRef, useId, type ReactNode, type SelectHTMLAttributes } from 'react';
import { Icon } from './Icon';
import './TextField.css';
import './SelectField.css';

export interface SelectFieldProps extends SelectHTMLAttributes<HTMLSelectElement> {
  label: ReactNode;
  hint?: ReactNode;
  error?: ReactNode;
  children: ReactNode;
}

/** A native <select> dressed as a TextField: the platform's own list, keyboard and screen reader support. */
export const SelectField = forwardRef<HTMLSelectElement, SelectFieldProps>(function SelectField(
  { label, hint, error, id, className, children, ...rest },
  ref,
) {
  const generated = useId();
  const selectId = id ?? generated;
  const showHint = Boolean(hint) && !error;
  return (
    <div className={`ui-field ${className ?? ''}`}>
      <label className="ui-field__label" htmlFor={selectId}>
        {label}
      </label>
      <div className={`ui-field__control ui-select ${error ? 'is-invalid' : ''}`}>
        <select
          ref={ref}
          id={selectId}
          className="ui-select__input"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${selectId}-error` : showHint ? `${selectId}-hint` : undefined}
          {...rest}
        >
          {children}
        </select>
        <Icon name="chevronRight" size={14} className="ui-select__chevron" />
      </div>
      {error ? (
        <p id={`${selectId}-error`} className="ui-field__error" role="alert">
          <Icon name="alert" size={14} />
          <span>{error}</span>
        </p>
      ) : null}
      {showHint ? (
        <p id={`${selectId}-hint`} className="ui-field__hint">
          {hint}
        </p>
      ) : null}
    </div>
  );
});
