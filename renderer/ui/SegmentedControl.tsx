import { useId, type ReactNode } from 'react';
import './SegmentedControl.css';

export interface Segment<V extends string> {
  value: V;
  label: ReactNode;
  /** A count after the label. */
  count?: ReactNode;
}

export interface SegmentedControlProps<V extends string> {
  /** Names the group for assistive technology. */
  label: string;
  value: V;
  onChange: (value: V) => void;
  segments: readonly Segment<V>[];
  /** Stacks the segments (a side bar). */
  vertical?: boolean;
}

/** One choice out of a few, as a row of joined buttons (radio buttons underneath). */
export function SegmentedControl<V extends string>({ label, value, onChange, segments, vertical = false }: SegmentedControlProps<V>) {
  const name = useId();
  return (
    <div className={`ui-segmented ${vertical ? 'ui-segmented--vertical' : ''}`} role="radiogroup" aria-label={label}>
      {segments.map((segment) => (
        <label key={segment.value} className="ui-segmented__item">
          <input type="radio" name={name} value={segment.value} checked={value === segment.value} onChange={() => onChange(segment.value)} />
          <span className="ui-segmented__label">{segment.label}</span>
          {segment.count !== undefined ? <span className="ui-segmented__count">{segment.count}</span> : null}
        </label>
      ))}
    </div>
  );
}
