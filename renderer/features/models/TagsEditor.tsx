import { useId } from 'react';
import { Button } from '../../ui';
import { useModelsT, type ModelsKey } from './i18n';
import { checkTags, MAX_TAGS, newTagRow, type TagRow } from './tags';

export { checkTags, newTagRow, tagMap, type TagProblem, type TagRow } from './tags';

export interface TagsEditorProps {
  rows: readonly TagRow[];
  onChange: (rows: TagRow[]) => void;
  /** Show problems (after a first attempt to save). */
  showProblems: boolean;
  disabled?: boolean;
}

/** Key/value rows with "Add new tag" and "Remove", as the console's tag editor. */
export function TagsEditor({ rows, onChange, showProblems, disabled = false }: TagsEditorProps) {
  const { t } = useModelsT();
  const base = useId();
  const problems = checkTags(rows);
  const update = (id: number, change: Partial<TagRow>) => onChange(rows.map((row) => (row.id === id ? { ...row, ...change } : row)));
  return (
    <div className="tags-editor">
      {rows.length > 0 ? (
        <div className="tags-editor__rows" role="list" aria-label={t('tags.listLabel')}>
          <div className="tags-editor__head" aria-hidden="true">
            <span>{t('tags.key')}</span>
            <span>{t('tags.value')}</span>
            <span />
          </div>
          {rows.map((row, index) => {
            const problem = showProblems ? problems.get(row.id) : undefined;
            return (
              <div key={row.id} className="tags-editor__row" role="listitem">
                <input
                  id={`${base}-key-${row.id}`}
                  className={`tags-editor__input ${problem?.startsWith('key') ? 'is-invalid' : ''}`}
                  aria-label={t('tags.keyOf', { n: index + 1 })}
                  aria-invalid={problem?.startsWith('key') ? true : undefined}
                  value={row.key}
                  maxLength={200}
                  disabled={disabled}
                  onChange={(event) => update(row.id, { key: event.target.value })}
                />
                <input
                  className={`tags-editor__input ${problem?.startsWith('value') ? 'is-invalid' : ''}`}
                  aria-label={t('tags.valueOf', { n: index + 1 })}
                  aria-invalid={problem?.startsWith('value') ? true : undefined}
                  value={row.value}
                  maxLength={300}
                  disabled={disabled}
                  onChange={(event) => update(row.id, { value: event.target.value })}
                />
                <Button
                  size="sm"
                  variant="ghost"
                  icon="trash"
                  disabled={disabled}
                  aria-label={t('tags.removeOf', { n: index + 1 })}
                  title={t('tags.remove')}
                  onClick={() => onChange(rows.filter((candidate) => candidate.id !== row.id))}
                />
                {problem ? (
                  <p className="tags-editor__problem" role="alert">
                    {t(`tags.problems.${problem}` as ModelsKey)}
                  </p>
                ) : null}
              </div>
            );
          })}
        </div>
      ) : (
        <p className="tags-editor__empty muted">{t('tags.none')}</p>
      )}
      <Button size="sm" icon="plus" disabled={disabled || rows.length >= MAX_TAGS} onClick={() => onChange([...rows, newTagRow()])}>
        {t('tags.add')}
      </Button>
    </div>
  );
}
