import { useId, type ReactNode } from 'react';
import { Icon, type IconName } from './Icon';
import './OptionCards.css';

export interface OptionCard<V extends string> {
  value: V;
  title: ReactNode;
  description?: ReactNode;
  icon?: IconName;
  /** A short tag after the title ("Recommended"). */
  badge?: ReactNode;
  disabled?: boolean;
}

export interface OptionCardsProps<V extends string> {
  /** The group's name, shown as its legend. */
  legend: ReactNode;
  hideLegend?: boolean;
  value: V | undefined;
  onChange: (value: V) => void;
  options: readonly OptionCard<V>[];
  columns?: 1 | 2 | 3;
}

/** A radio group drawn as cards, for choices that need a sentence each. */
export function OptionCards<V extends string>({ legend, hideLegend = false, value, onChange, options, columns = 2 }: OptionCardsProps<V>) {
  const name = useId();
  return (
    <fieldset className="ui-options">
      <legend className={hideLegend ? 'visually-hidden' : 'ui-options__legend'}>{legend}</legend>
      <div className={`ui-options__grid ui-options__grid--${columns}`}>
        {options.map((option) => (
          <label key={option.value} className={`ui-option ${option.disabled ? 'is-disabled' : ''}`}>
            <input
              type="radio"
              name={name}
              value={option.value}
              checked={value === option.value}
              disabled={option.disabled}
              onChange={() => onChange(option.value)}
            />
            {option.icon ? (
              <span className="ui-option__icon" aria-hidden="true">
                <Icon name={option.icon} size={18} />
              </span>
            ) : null}
            <span className="ui-option__text">
              <span className="ui-option__title">
                {option.title}
                {option.badge ? <span className="ui-option__badge">{option.badge}</span> : null}
              </span>
              {option.description ? <span className="ui-option__description">{option.description}</span> : null}
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
