import type { DatasetLabelDescription, EntryView } from '../../api';
import { Button, Icon, Spinner } from '../../ui';
import type { LabelingT } from './i18n';
import type { BoxTool } from './tools/box';
import { useVersion } from './useLabelingData';

function KeyHint({ index }: { index: number }) {
  return index < 9 ? <kbd className="lab-key">{index + 1}</kbd> : <span className="lab-key lab-key--none" />;
}

function Swatch({ color }: { color: string }) {
  return <span className="lab-swatch" style={{ background: color }} aria-hidden="true" />;
}

function PaneHeader({ title, onManage, t }: { title: string; onManage: () => void; t: LabelingT }) {
  return (
    <div className="lab-pane__header">
      <h2 className="lab-pane__title">{title}</h2>
      <Button size="sm" variant="ghost" onClick={onManage}>
        <span className="lab-inline-icon">
          <Icon name="tag" size={15} />
          {t('labels.manage')}
        </span>
      </Button>
    </div>
  );
}

function NoLabels({ onManage, t }: { onManage: () => void; t: LabelingT }) {
  return (
    <div className="lab-pane__empty">
      <p className="lab-pane__empty-title">{t('labels.emptyTitle')}</p>
      <p>{t('labels.emptyBody')}</p>
      <Button size="sm" variant="primary" icon="plus" onClick={onManage}>
        {t('labels.add')}
      </Button>
    </div>
  );
}

export interface GridLabelPaneProps {
  labels: readonly DatasetLabelDescription[];
  isLoading: boolean;
  selectionCount: number;
  /** How many of the selected images (among those loaded) carry each label. */
  coverage: ReadonlyMap<string, number>;
  onAssign: (label: string) => void;
  onRemove: (label: string) => void;
  onManage: () => void;
  colorOf: (label: string) => string;
  t: LabelingT;
}

/** Grid mode: the labels with their counts; assign to or remove from the selection. */
export function GridLabelPane({ labels, isLoading, selectionCount, coverage, onAssign, onRemove, onManage, colorOf, t }: GridLabelPaneProps) {
  return (
    <aside className="lab-pane" aria-label={t('labels.pane')}>
      <PaneHeader title={t('labels.title')} onManage={onManage} t={t} />
      <p className="lab-pane__hint">
        {selectionCount > 0 ? t('labels.selectionHint', { count: selectionCount }) : t('labels.selectHint')}
      </p>
      {isLoading ? (
        <div className="lab-pane__empty">
          <Spinner size={18} label={t('labels.loading')} />
        </div>
      ) : labels.length === 0 ? (
        <NoLabels onManage={onManage} t={t} />
      ) : (
        <ul className="lab-label-list">
          {labels.map((label, index) => {
            const covered = coverage.get(label.LabelName) ?? 0;
            return (
              <li key={label.LabelName} className="lab-label-row" aria-label={label.LabelName}>
                <KeyHint index={index} />
                <Swatch color={colorOf(label.LabelName)} />
                <div className="lab-label-row__text">
                  <span className="lab-label-row__name">{label.LabelName}</span>
                  <span className="lab-label-row__stats tabular">
                    {t('labels.stats', { images: label.LabelStats.EntryCount, boxes: label.LabelStats.BoundingBoxCount })}
                    {selectionCount > 0 && covered > 0 ? <span className="lab-label-row__covered"> · {t('labels.covered', { count: covered })}</span> : null}
                  </span>
                </div>
                <div className="lab-label-row__actions">
                  <button
                    type="button"
                    className="lab-icon-button"
                    disabled={selectionCount === 0}
                    onClick={() => onRemove(label.LabelName)}
                    aria-label={t('labels.removeFromSelection', { label: label.LabelName })}
                    title={t('labels.removeFromSelection', { label: label.LabelName })}
                  >
                    <Icon name="minus" size={16} />
                  </button>
                  <button
                    type="button"
                    className="lab-icon-button lab-icon-button--accent"
                    disabled={selectionCount === 0}
                    onClick={() => onAssign(label.LabelName)}
                    aria-label={t('labels.assignToSelection', { label: label.LabelName })}
                    title={t('labels.assignToSelection', { label: label.LabelName })}
                  >
                    <Icon name="plus" size={16} />
                  </button>
                </div>
              </li>
            );
          })}
        </ul>
      )}
      <p className="lab-pane__footnote">{t('labels.keysHint')}</p>
    </aside>
  );
}

export interface ImagePaneProps {
  labels: readonly DatasetLabelDescription[];
  isLoading: boolean;
  entry: EntryView | undefined;
  tool: BoxTool;
  drawLabel: string | null;
  onDrawLabelChange: (label: string) => void;
  onToggleLabel: (label: string, isOn: boolean) => void;
  onRepeat: () => void;
  canRepeat: boolean;
  onManage: () => void;
  colorOf: (label: string) => string;
  t: LabelingT;
}

/** Single-image mode: this image's labels, the label for new boxes, and its boxes. */
export function ImagePane({ labels, isLoading, entry, tool, drawLabel, onDrawLabelChange, onToggleLabel, onRepeat, canRepeat, onManage, colorOf, t }: ImagePaneProps) {
  useVersion(tool);
  const names = labels.map((label) => label.LabelName);
  const boxes = tool.boxes;
  return (
    <aside className="lab-pane" aria-label={t('labels.pane')}>
      <PaneHeader title={t('labels.imageLabels')} onManage={onManage} t={t} />
      {isLoading ? (
        <div className="lab-pane__empty">
          <Spinner size={18} label={t('labels.loading')} />
        </div>
      ) : labels.length === 0 ? (
        <NoLabels onManage={onManage} t={t} />
      ) : (
        <ul className="lab-label-list" aria-label={t('labels.imageLabels')}>
          {names.map((name, index) => {
            const isOn = entry?.Labels.includes(name) ?? false;
            return (
              <li key={name} className={`lab-label-row lab-label-row--toggle ${isOn ? 'is-on' : ''}`}>
                <label className="lab-label-row__toggle">
                  <input type="checkbox" checked={isOn} disabled={!entry} onChange={(event) => onToggleLabel(name, event.target.checked)} />
                  <KeyHint index={index} />
                  <Swatch color={colorOf(name)} />
                  <span className="lab-label-row__name">{name}</span>
                </label>
              </li>
            );
          })}
        </ul>
      )}

      <div className="lab-pane__section">
        <div className="lab-pane__header">
          <h2 className="lab-pane__title">{t('boxes.title', { count: boxes.length })}</h2>
        </div>
        {names.length > 0 ? (
          <label className="lab-field">
            <span className="lab-field__label">{t('boxes.drawWith')}</span>
            <select className="lab-select" value={drawLabel ?? ''} onChange={(event) => onDrawLabelChange(event.target.value)}>
              {names.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        {boxes.length === 0 ? (
          <p className="lab-pane__hint">{names.length > 0 ? t('boxes.emptyHint') : t('boxes.needsLabel')}</p>
        ) : (
          <ul className="lab-box-list" aria-label={t('boxes.listLabel')}>
            {boxes.map((box, index) => {
              const isSelected = tool.selected === index;
              return (
                <li key={index} className={`lab-box-row ${isSelected ? 'is-selected' : ''}`}>
                  <button type="button" className="lab-box-row__pick" onClick={() => tool.select(isSelected ? null : index)} aria-pressed={isSelected}>
                    <Swatch color={colorOf(box.label)} />
                    <span className="tabular lab-box-row__geometry">{t('boxes.geometry', { left: box.left, top: box.top, width: box.width, height: box.height })}</span>
                  </button>
                  <select
                    className="lab-select lab-select--sm"
                    value={box.label}
                    aria-label={t('boxes.labelOf', { index: index + 1 })}
                    onChange={(event) => {
                      tool.select(index);
                      tool.setSelectedLabel(event.target.value);
                    }}
                  >
                    {(names.includes(box.label) ? names : [box.label, ...names]).map((name) => (
                      <option key={name} value={name}>
                        {name}
                      </option>
                    ))}
                  </select>
                  <button
                    type="button"
                    className="lab-icon-button"
                    aria-label={t('boxes.delete', { index: index + 1 })}
                    title={t('boxes.delete', { index: index + 1 })}
                    onClick={() => {
                      tool.select(index);
                      tool.deleteSelected();
                    }}
                  >
                    <Icon name="trash" size={15} />
                  </button>
                </li>
              );
            })}
          </ul>
        )}
        <Button size="sm" onClick={onRepeat} disabled={!canRepeat} title={t('boxes.repeatHint')} className="lab-pane__wide-button">
          <span className="lab-inline-icon">
            <Icon name="repeat" size={15} />
            {t('boxes.repeat')}
            <kbd className="lab-key">R</kbd>
          </span>
        </Button>
      </div>
      <p className="lab-pane__footnote">{t('boxes.keysHint')}</p>
    </aside>
  );
}
