import { useEffect, useState } from 'react';
import { call, invalidateQueries, useQuery } from '../../../api';
import { useDescribeError } from '../../../lib/errors';
import { Button, ErrorAlert, Panel, Spinner, useToast } from '../../../ui';
import { useModelsT } from '../i18n';
import { checkTags, newTagRow, tagMap, TagsEditor, type TagRow } from '../TagsEditor';
import type { ModelContext } from './modelContext';

/** The version's tags: edit the rows, then save (TagResource for new and changed keys, UntagResource for removed ones). */
export function TagsTab({ model }: { model: ModelContext }) {
  const { t, app } = useModelsT();
  const toast = useToast();
  const describeError = useDescribeError();
  const arn = model.version.ProjectVersionArn;
  const listed = useQuery('ListTagsForResource', { ResourceArn: arn });
  const [rows, setRows] = useState<TagRow[] | undefined>();
  const [isSaving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>();
  const [attempted, setAttempted] = useState(false);
  const saved = listed.data?.Tags;

  useEffect(() => {
    if (saved && rows === undefined) setRows(Object.entries(saved).map(([key, value]) => newTagRow(key, value)));
  }, [saved, rows]);

  if (!saved || !rows) {
    return (
      <Panel icon="tag" title={t('tags.title')}>
        {listed.error ? <ErrorAlert {...describeError(listed.error)} /> : <Spinner size={18} label={app('common.loading')} />}
      </Panel>
    );
  }
  const wanted = tagMap(rows);
  const removed = Object.keys(saved).filter((key) => !(key in wanted));
  const changed = Object.fromEntries(Object.entries(wanted).filter(([key, value]) => saved[key] !== value));
  const isDirty = removed.length > 0 || Object.keys(changed).length > 0;

  const save = async () => {
    setAttempted(true);
    if (checkTags(rows).size > 0) return;
    setSaving(true);
    setError(undefined);
    try {
      if (removed.length > 0) await call('UntagResource', { ResourceArn: arn, TagKeys: removed });
      if (Object.keys(changed).length > 0) await call('TagResource', { ResourceArn: arn, Tags: changed });
      invalidateQueries();
      toast.show(t('tags.saved'));
      setAttempted(false);
    } catch (thrown) {
      setError(thrown);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Panel
      icon="tag"
      title={t('tags.title')}
      description={t('tags.description')}
      actions={
        <>
          <Button disabled={!isDirty || isSaving} onClick={() => setRows(Object.entries(saved).map(([key, value]) => newTagRow(key, value)))}>
            {t('tags.discard')}
          </Button>
          <Button variant="primary" disabled={!isDirty} isBusy={isSaving} onClick={() => void save()}>
            {t('tags.save')}
          </Button>
        </>
      }
    >
      <TagsEditor rows={rows} onChange={setRows} showProblems={attempted} disabled={isSaving} />
      {error ? <ErrorAlert {...describeError(error)} /> : null}
    </Panel>
  );
}
