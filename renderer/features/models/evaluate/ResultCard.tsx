import { memo, useState, type CSSProperties } from 'react';
import { entryImageUrl, useQuery, type TestImageResult } from '../../../api';
import { Button, Dialog, Icon } from '../../../ui';
import { formatScore } from '../../../lib/format';
import { formatPercent } from '../format';
import { useModelsT, type ModelsKey } from '../i18n';
import { groundTruthOf, resultItems, topBelowThreshold, type ResultType } from './results';

export const RESULT_KEYS: Record<ResultType, ModelsKey> = {
  TRUE_POSITIVE: 'results.types.TRUE_POSITIVE',
  FALSE_POSITIVE: 'results.types.FALSE_POSITIVE',
  FALSE_NEGATIVE: 'results.types.FALSE_NEGATIVE',
};

const RESULT_CLASS: Record<ResultType, string> = {
  TRUE_POSITIVE: 'tp',
  FALSE_POSITIVE: 'fp',
  FALSE_NEGATIVE: 'fn',
};

export interface ResultCardProps {
  image: TestImageResult;
  onOpenInLabeling: (image: TestImageResult) => void;
  /** Classification only: change the image's labels in its dataset. */
  onFixLabels?: ((image: TestImageResult) => void) | undefined;
  isOpening: boolean;
  /** Anomaly models: the version whose heat maps to lay over the pictures, and their opacity (0 hides them). */
  heatVersionArn?: string | undefined;
  heatOpacity?: number | undefined;
}

/** One test image: its picture (with boxes for detection), what it carries, and what the model said. */
export const ResultCard = memo(function ResultCard({ image, onOpenInLabeling, onFixLabels, isOpening, heatVersionArn, heatOpacity = 0 }: ResultCardProps) {
  const heat = heatVersionArn && heatOpacity > 0 && image.Anomaly?.HasHeatMap ? { versionArn: heatVersionArn, opacity: heatOpacity } : undefined;
  const { t, app, language } = useModelsT();
  const [isLarge, setLarge] = useState(false);
  const items = resultItems(image);
  const truth = groundTruthOf(image);
  const below = topBelowThreshold(image);
  return (
    <li className="result-card" aria-label={image.FileName}>
      <button type="button" className="result-card__thumb result-card__open" aria-label={t('results.openLarge', { name: image.FileName })} onClick={() => setLarge(true)}>
        <ResultPicture image={image} variant="thumb" heat={heat} />
      </button>
      {isLarge ? (
        <Dialog title={image.FileName} closeLabel={app('common.close')} onClose={() => setLarge(false)} size="lg">
          <div className="result-large">
            <ResultPicture image={image} variant="display" heat={heat} />
          </div>
        </Dialog>
      ) : null}
      <div className="result-card__body">
        <p className="result-card__name" title={image.SourceRef}>
          {image.FileName}
        </p>
        <p className="result-card__truth">
          <span className="result-card__caption">{t('results.assigned')}</span>
          {truth.length > 0 ? truth.map((name) => <span key={name} className="label-chip">{name}</span>) : <span className="muted">{t('results.noAssigned')}</span>}
        </p>
        <ul className="result-card__items" aria-label={t('results.predictionsOf', { name: image.FileName })}>
          {items.map((item, index) => (
            <li key={`${item.name}-${index}`} className={`result-item result-item--${RESULT_CLASS[item.result]}`}>
              <span className="result-item__name">{item.name}</span>
              <span className="result-item__result">{t(RESULT_KEYS[item.result])}</span>
              <span className="result-item__confidence tabular">{item.confidence === undefined ? '' : formatPercent(item.confidence, language, 1)}</span>
            </li>
          ))}
          {items.length === 0 ? <li className="muted">{t('results.nothing')}</li> : null}
        </ul>
        {image.Anomaly ? (
          <p className="result-card__below tabular" data-testid="test-anomaly-score">
            {t(image.Anomaly.PredictedAnomalous && !image.Anomaly.IsAnomalous ? 'results.falseReject' : !image.Anomaly.PredictedAnomalous && image.Anomaly.IsAnomalous ? 'results.miss' : 'results.anomalyRight', {
              score: formatScore(image.Anomaly.Score, language),
              threshold: formatScore(image.Anomaly.Threshold, language),
            })}
          </p>
        ) : null}
        {below ? (
          <p className="result-card__below">{t('results.topBelow', { label: below.Name, score: formatPercent(below.Confidence, language, 1) })}</p>
        ) : null}
        <div className="result-card__actions">
          {image.EntryId !== undefined ? (
            <Button size="sm" variant="ghost" icon="pencil" isBusy={isOpening} onClick={() => onOpenInLabeling(image)}>
              {t('results.openInLabeling')}
            </Button>
          ) : null}
          {onFixLabels && image.EntryId !== undefined ? (
            <Button size="sm" variant="ghost" icon="tag" onClick={() => onFixLabels(image)}>
              {t('results.fixLabels')}
            </Button>
          ) : null}
        </div>
      </div>
    </li>
  );
});

/** The test image with its boxes: a thumbnail on the card, the display picture when opened large. */
function ResultPicture({ image, variant, heat }: { image: TestImageResult; variant: 'thumb' | 'display'; heat?: { versionArn: string; opacity: number } | undefined }) {
  const { t } = useModelsT();
  const heatMap = useQuery('GetTestHeatMap', { ProjectVersionArn: heat?.versionArn ?? '', SourceRef: image.SourceRef }, { enabled: Boolean(heat), live: false });
  const [hasNoPicture, setNoPicture] = useState(false);
  const width = image.Width || 1;
  const height = image.Height || 1;
  return (
    <div className="result-card__frame" style={{ '--ratio': String(width / height) } as CSSProperties}>
      {image.EntryId !== undefined && !hasNoPicture ? (
        <img src={entryImageUrl(image.EntryId, variant)} alt="" loading="lazy" decoding="async" draggable={false} onError={() => setNoPicture(true)} />
      ) : (
        <span className="result-card__no-picture" title={t('results.noPicture')}>
          <Icon name="imageOff" size={24} />
        </span>
      )}
      {heat && heatMap.data ? (
        <img className="result-card__heat" data-testid="test-heat-map" src={`data:image/png;base64,${heatMap.data.HeatMap}`} alt="" draggable={false} style={{ opacity: heat.opacity }} />
      ) : null}
      {image.Boxes && image.Width > 0 && image.Height > 0 ? (
        <svg className="result-card__boxes" viewBox={`0 0 ${image.Width} ${image.Height}`} preserveAspectRatio="none" aria-hidden="true">
          {image.Boxes.map((box, index) => (
            <rect
              key={index}
              x={box.Left}
              y={box.Top}
              width={box.Width}
              height={box.Height}
              className={`result-box result-box--${box.Result === 'GROUND_TRUTH' ? 'truth' : RESULT_CLASS[box.Result]}`}
              vectorEffect="non-scaling-stroke"
            />
          ))}
        </svg>
      ) : null}
    </div>
  );
}
