import './ProgressBar.css';

export interface ProgressBarProps {
  /** 0–1; undefined while the amount of work is not known yet (an indeterminate bar). */
  value: number | undefined;
  /** Names the bar for assistive technology. */
  label: string;
  tone?: 'accent' | 'success' | 'danger' | 'neutral';
}

export function ProgressBar({ value, label, tone = 'accent' }: ProgressBarProps) {
  const percent = value === undefined ? undefined : Math.round(Math.min(1, Math.max(0, value)) * 100);
  return (
    <div
      className={`ui-progress ui-progress--${tone} ${percent === undefined ? 'is-indeterminate' : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
    >
      <span className="ui-progress__fill" style={percent === undefined ? undefined : { width: `${percent}%` }} />
    </div>
  );
}
