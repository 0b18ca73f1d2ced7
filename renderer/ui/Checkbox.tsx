import { useId, type InputHTMLAttributes, type ReactNode } from 'react';
import './Checkbox.css';

export interface CheckboxProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'type'> {
  label: ReactNode;
  /** A line under the label. */
  hint?: ReactNode;
}

export function Checkbox({ label, hint, id, className, ...rest }: CheckboxProps) {
  const generated = useId();
  const inputId = id ?? generated;
  return (
    <div className={`ui-checkbox ${className ?? ''}`}>
      <input id={inputId} type="checkbox" className="ui-checkbox__input" aria-describedby={hint ? `${inputId}-hint` : undefined} {...rest} />
      <div className="ui-checkbox__text">
        <label htmlFor={inputId} className="ui-checkbox__label">
          {label}
        </label>
        {hint ? (
          <p id={`${inputId}-hint`} className="ui-checkbox__hint">
            {hint}
          </p>
        ) : null}
      </div>
    </div>
  );
}
