import { useState } from 'react';
import { useMutation, useQuery, type BucketMapping } from '../../api';
import { useDescribeError } from '../../lib/errors';
import { formatDateTime } from '../../lib/format';
import { checkBucketName } from '../../lib/names';
import { Button, EmptyState, ErrorAlert, Panel, Table, TextField, useToast, type Column } from '../../ui';
import { useSettingsT } from './i18n';

/** s3://bucket → a local folder, so manifests that name S3 objects resolve on this computer. */
export function BucketMappingsSection() {
  const { t, i18n } = useSettingsT();
  const toast = useToast();
  const describeError = useDescribeError();
  const mappings = useQuery('ListBucketMappings', {});
  const create = useMutation('CreateBucketMapping');
  const remove = useMutation('DeleteBucketMapping');
  const [bucket, setBucket] = useState('');
  const [folder, setFolder] = useState('');
  const [submitted, setSubmitted] = useState(false);

  const bucketProblem = checkBucketName(bucket.trim());
  const folderMissing = folder.trim().length === 0;
  const bucketError =
    submitted && bucketProblem
      ? t(bucketProblem === 'required' ? 'settings.buckets.errors.required' : bucketProblem === 'length' ? 'settings.buckets.errors.length' : 'settings.buckets.errors.pattern')
      : undefined;
  const folderError = submitted && folderMissing ? t('settings.buckets.errors.folderRequired') : undefined;

  const add = async () => {
    setSubmitted(true);
    if (bucketProblem || folderMissing) return;
    try {
      const created = await create.run({ Bucket: bucket.trim(), Folder: folder.trim() });
      toast.show(t('settings.buckets.added', { bucket: created.Bucket, folder: created.Folder }));
      setBucket('');
      setFolder('');
      setSubmitted(false);
    } catch {
      // create.error is shown under the form.
    }
  };

  const removeMapping = async (mapping: BucketMapping) => {
    try {
      await remove.run({ Bucket: mapping.Bucket });
      toast.show(t('settings.buckets.removed', { bucket: mapping.Bucket }));
    } catch (error) {
      toast.show(describeError(error).title, 'danger');
    }
  };

  const columns: Column<BucketMapping>[] = [
    { key: 'bucket', header: t('settings.buckets.bucket'), cell: (row) => <code className="bucket-name">s3://{row.Bucket}</code> },
    { key: 'folder', header: t('settings.buckets.folder'), wrap: true, cell: (row) => <code className="folder-path">{row.Folder}</code> },
    {
      key: 'created',
      header: t('settings.buckets.created'),
      cell: (row) => <span className="tabular muted-2">{formatDateTime(row.CreationTimestamp, i18n.language)}</span>,
    },
    {
      key: 'actions',
      header: <span className="visually-hidden">{t('settings.buckets.actions')}</span>,
      align: 'end',
      width: '3.5rem',
      cell: (row) => (
        <Button
          variant="ghost"
          size="sm"
          icon="trash"
          className="row-remove"
          aria-label={t('settings.buckets.remove', { bucket: row.Bucket })}
          title={t('settings.buckets.remove', { bucket: row.Bucket })}
          onClick={() => void removeMapping(row)}
        />
      ),
    },
  ];

  const list = mappings.data?.BucketMappings ?? [];

  return (
    <Panel icon="bucket" title={t('settings.buckets.title')} description={t('settings.buckets.description')} flush>
      <form
        className="mapping-form"
        noValidate
        aria-label={t('settings.buckets.addTitle')}
        onSubmit={(event) => {
          event.preventDefault();
          void add();
        }}
      >
        <div className="mapping-form__fields">
          <TextField
            label={t('settings.buckets.bucketLabel')}
            placeholder={t('settings.buckets.bucketPlaceholder')}
            hint={t('settings.buckets.bucketHint')}
            error={bucketError}
            value={bucket}
            mono
            autoComplete="off"
            autoCapitalize="off"
            spellCheck={false}
            onChange={(event) => {
              setBucket(event.target.value);
              create.reset();
            }}
          />
          <TextField
            label={t('settings.buckets.folderLabel')}
            placeholder={t('settings.buckets.folderPlaceholder')}
            hint={t('settings.buckets.folderHint')}
            error={folderError}
            value={folder}
            mono
            autoComplete="off"
            spellCheck={false}
            onChange={(event) => {
              setFolder(event.target.value);
              create.reset();
            }}
          />
          <div className="mapping-form__submit">
            <Button type="submit" variant="primary" icon="plus" isBusy={create.isPending}>
              {t('settings.buckets.add')}
            </Button>
          </div>
        </div>
        {create.error ? <ErrorAlert {...describeError(create.error)} /> : null}
      </form>
      {mappings.error && !mappings.data ? (
        <div className="mapping-error">
          <ErrorAlert {...describeError(mappings.error)} />
        </div>
      ) : list.length > 0 ? (
        <Table
          caption={t('settings.buckets.tableCaption')}
          columns={columns}
          rows={list}
          rowKey={(row) => row.Bucket}
          rowLabel={(row) => row.Bucket}
        />
      ) : mappings.data ? (
        <EmptyState compact headingLevel={3} icon="folder" title={t('settings.buckets.emptyTitle')}>
          <p>{t('settings.buckets.emptyBody')}</p>
        </EmptyState>
      ) : null}
    </Panel>
  );
}
