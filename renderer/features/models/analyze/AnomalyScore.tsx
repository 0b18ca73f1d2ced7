import type { ImageAnomalies } from '../../../api';
import { formatScore } from '../../../lib/format';
import { useModelsT } from '../i18n';

/** An anomaly model's score against its threshold, in words a line worker reads. */
export function AnomalyScore({ anomaly }: { anomaly: ImageAnomalies }) {
  const { t, language } = useModelsT();
  return (
    <p className={`anomaly-score anomaly-score--${anomaly.IsAnomalous ? 'ng' : 'ok'}`} data-testid="anomaly-score">
      {t(anomaly.IsAnomalous ? 'analyze.anomalous' : 'analyze.normal')} · {t('analyze.scoreAgainst', { score: formatScore(anomaly.Score, language), threshold: formatScore(anomaly.Threshold, language) })}
    </p>
  );
}
