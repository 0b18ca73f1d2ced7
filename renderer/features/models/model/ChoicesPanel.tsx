import type { TrainingChoices } from '../../../api';
import { DescriptionList, Panel, Table, type Column, type DescriptionItem } from '../../../ui';
import { useModelsT, type ModelsText } from '../i18n';

type Value = string | number | boolean;
type Candidate = TrainingChoices['candidates'][number];

/** The settings training chose by validation inside the training data, and every candidate's held-out score. */
export function ChoicesPanel({ choices }: { choices: TrainingChoices }) {
  const { t, dynamic } = useModelsT();
  const name = (key: string) => dynamic(`choices.setting.${key}`, key);
  const value = (key: string, raw: Value): string => {
    if (typeof raw === 'boolean') return raw ? t('choices.yes') : t('choices.no');
    if (key === 'view' && typeof raw === 'string') return viewText(raw, t, dynamic);
    if (key === 'imageScore' && typeof raw === 'string') return imageScoreText(raw, t);
    if (key === 'features' && raw === 'all') return t('choices.allLayers');
    if (key === 'weighting' || key === 'pooling' || key === 'mode' || key === 'reason' || key === 'fineTune') return dynamic(`choices.${key}.${String(raw)}`, String(raw));
    return String(raw);
  };
  const settingsText = (settings: Candidate['settings']) =>
    Object.entries(settings)
      .map(([key, raw]) => `${name(key)}: ${value(key, raw)}`)
      .join(', ');
  const chosen: DescriptionItem[] = Object.entries(choices.chosen).map(([key, raw]) => ({ key, term: name(key), value: value(key, raw) }));
  const columns: Column<Candidate & { index: number }>[] = [
    { key: 'settings', header: t('choices.candidate'), cell: (row) => settingsText(row.settings), wrap: true },
    { key: 'metric', header: t('choices.metric'), cell: (row) => dynamic(`choices.metricName.${row.metric}`, row.metric) },
    { key: 'score', header: t('choices.score'), cell: (row) => row.score.toFixed(3), align: 'end' },
    { key: 'seconds', header: t('choices.seconds'), cell: (row) => (row.seconds === undefined ? '' : row.seconds.toFixed(1)), align: 'end' },
  ];
  return (
    <Panel icon="model" title={t('choices.title')} description={t('choices.description')}>
      <DescriptionList columns={2} items={chosen} />
      {choices.candidates.length > 0 ? (
        <Table
          caption={t('choices.candidates')}
          columns={columns}
          rows={choices.candidates.map((c, index) => ({ ...c, index }))}
          rowKey={(row) => String(row.index)}
          rowLabel={(row) => settingsText(row.settings)}
        />
      ) : null}
    </Panel>
  );
}

/** `tiles-h3x560` → "3 tiles down a 560 px strip"; `crop875` → "central crop (87.5 %)"; stretch, letterbox. */
function viewText(view: string, t: ModelsText['t'], dynamic: ModelsText['dynamic']): string {
  const tiles = /^tiles-([wh])(\d+)x(\d+)$/.exec(view);
  if (tiles) return t(tiles[1] === 'w' ? 'choices.view.tilesAcross' : 'choices.view.tilesDown', { count: Number(tiles[2]), length: Number(tiles[3]) });
  const crop = /^crop(\d+)$/.exec(view);
  if (crop) return t('choices.view.crop', { share: Number(crop[1]) / 10 });
  return dynamic(`choices.view.${view}`, view);
}

/** `max` → "worst patch, re-weighted…"; `top-12-mean` → "mean of the 12 worst patches"; `place-z-…` → the same against each place's good scores. */
function imageScoreText(score: string, t: ModelsText['t']): string {
  const match = /^(place-z-)?(?:max|top-(\d+)-mean)$/.exec(score);
  if (!match) return score;
  const [, perPlace, count] = match;
  if (count === undefined) return t(perPlace ? 'choices.imageScoreKind.placeMax' : 'choices.imageScoreKind.max');
  return t(perPlace ? 'choices.imageScoreKind.placeTopMean' : 'choices.imageScoreKind.topMean', { count: Number(count) });
}
