import { useId } from 'react';
import { Checkbox } from '../../../ui';
import { useModelsT } from '../i18n';

/** Show or hide an anomaly model's heat map over the pictures, and how strongly. */
export function HeatMapControls({ shown, onShown, opacity, onOpacity }: { shown: boolean; onShown: (shown: boolean) => void; opacity: number; onOpacity: (opacity: number) => void }) {
  const { t } = useModelsT();
  const sliderId = useId();
  return (
    <div className="analyze__heat">
      <Checkbox label={t('analyze.heatMap')} checked={shown} onChange={(event) => onShown(event.target.checked)} />
      {shown ? (
        <div className="analyze__slider">
          <label htmlFor={sliderId}>{t('analyze.heatOpacity')}</label>
          <input id={sliderId} type="range" min={10} max={100} step={5} value={opacity} aria-valuetext={`${opacity}%`} onChange={(event) => onOpacity(Number(event.target.value))} />
          <output htmlFor={sliderId} className="tabular">
            {opacity}%
          </output>
        </div>
      ) : null}
    </div>
  );
}
