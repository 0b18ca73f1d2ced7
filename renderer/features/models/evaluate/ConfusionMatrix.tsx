import type { CSSProperties } from 'react';
import { formatPercent } from '../format';
import { useModelsT } from '../i18n';
import { NO_PREDICTION } from './results';
import type { MatrixView } from './summary';

export interface ConfusionMatrixProps {
  matrix: MatrixView;
  /** A cell was chosen: images of `truth` whose top prediction is `predicted` (NO_PREDICTION: none). */
  onSelect: (truth: string, predicted: string) => void;
  selected?: { truth: string; predicted: string } | undefined;
}

/** A heat map: columns are ground-truth labels, rows predicted labels, each cell the share of its column. */
export function ConfusionMatrix({ matrix, onSelect, selected }: ConfusionMatrixProps) {
  const { t, language } = useModelsT();
  const rows = [...matrix.predictions, ...(matrix.hasUnpredicted ? [NO_PREDICTION] : [])];
  const shareOf = (predicted: string, truth: string) => (predicted === NO_PREDICTION ? matrix.unpredicted(truth) : matrix.share(predicted, truth));
  const rowName = (predicted: string) => (predicted === NO_PREDICTION ? t('matrix.noLabel') : predicted);
  return (
    <div className="confusion">
      <div className="confusion__scroll">
        <table className="confusion__table" aria-label={t('matrix.caption')}>
          <thead>
            <tr>
              <th scope="col" className="confusion__corner">
                <span className="confusion__axis confusion__axis--rows">{t('matrix.predicted')}</span>
                <span className="confusion__axis confusion__axis--cols">{t('matrix.groundTruth')}</span>
              </th>
              {matrix.truths.map((truth) => (
                <th key={truth} scope="col" className="confusion__col" title={truth}>
                  <span>{truth}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((predicted) => (
              <tr key={predicted || '\u0000none'}>
                <th scope="row" className={`confusion__row ${predicted === NO_PREDICTION ? 'is-none' : ''}`} title={rowName(predicted)}>
                  {rowName(predicted)}
                </th>
                {matrix.truths.map((truth) => {
                  const share = shareOf(predicted, truth);
                  const isDiagonal = truth === predicted;
                  const isSelected = selected?.truth === truth && selected.predicted === predicted;
                  const percent = formatPercent(share, language);
                  return (
                    <td key={truth} className="confusion__cell">
                      <button
                        type="button"
                        className={`confusion__button ${isDiagonal ? 'is-diagonal' : ''} ${share >= 0.55 ? 'is-strong' : ''} ${isSelected ? 'is-selected' : ''}`}
                        style={{ '--share': `${Math.round(share * 100)}%` } as CSSProperties}
                        aria-pressed={isSelected}
                        aria-label={t('matrix.cellLabel', { truth, predicted: rowName(predicted), percent })}
                        title={t('matrix.cellLabel', { truth, predicted: rowName(predicted), percent })}
                        onClick={() => onSelect(truth, predicted)}
                      >
                        {percent}
                      </button>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="confusion__note">{t('matrix.note')}</p>
    </div>
  );
}
