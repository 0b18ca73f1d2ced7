import { useEffect, useState } from 'react';
import { copyText } from '../lib/clipboard';
import { Icon } from './Icon';
import './CopyButton.css';

export interface CopyButtonProps {
  value: string;
  /** The accessible name, e.g. "Copy ARN". */
  label: string;
  copiedLabel: string;
  failedLabel: string;
  size?: 'sm' | 'md';
  /** Show the label as text next to the icon. */
  showLabel?: boolean;
}

/** Copies a value and confirms in place (the icon turns into a check; the change is announced). */
export function CopyButton({ value, label, copiedLabel, failedLabel, size = 'sm', showLabel = false }: CopyButtonProps) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');

  useEffect(() => {
    if (state === 'idle') return;
    const timer = window.setTimeout(() => setState('idle'), 1600);
    return () => window.clearTimeout(timer);
  }, [state]);

  const announce = state === 'copied' ? copiedLabel : state === 'failed' ? failedLabel : '';
  return (
    <span className="ui-copy">
      <button
        type="button"
        className={`ui-copy__button ui-copy__button--${size} ${showLabel ? 'has-label' : ''} ${state === 'copied' ? 'is-copied' : ''}`}
        aria-label={showLabel ? undefined : label}
        title={label}
        onClick={() => {
          copyText(value).then(
            () => setState('copied'),
            () => setState('failed'),
          );
        }}
      >
        <Icon name={state === 'copied' ? 'check' : 'copy'} size={size === 'sm' ? 15 : 17} />
        {showLabel ? <span>{state === 'copied' ? copiedLabel : label}</span> : null}
      </button>
      <span className="visually-hidden" role="status">
        {announce}
      </span>
      {state !== 'idle' && !showLabel ? (
        <span className={`ui-copy__bubble ${state === 'failed' ? 'is-failed' : ''}`} aria-hidden="true">
          {announce}
        </span>
      ) : null}
    </span>
  );
}
