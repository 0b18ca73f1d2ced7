/**
 * Where a dataset's images come from, as the console's "dataset details" offer it (guide §2.5):
 * the fields of each source, their checks, and how each one starts once the dataset exists.
 * The create-dataset page and the "Add images" dialog share them.
 */
import { useEffect, useId, useRef, useState, type ChangeEvent } from 'react';
import { Link } from 'react-router-dom';
import {
  call,
  hasLocalPaths,
  readDrop,
  readPicked,
  selectionSize,
  skippedCount,
  skippedKinds,
  userPathOf,
  useQuery,
  type DropSelection,
  type InputOf,
} from '../../api';
import { formatCount } from '../../lib/format';
import { Button, Checkbox, DropZone, Icon, SelectField, TextField } from '../../ui';
import { importIntoDataset } from './imports';
import { bucketKeyOf } from './bucketKeys';
import { PathPicker } from './PathPicker';
import { followJob, startTask, waitForJob } from './jobStore';
import { useDatasetT } from './i18n';

export type SourceKind = 'folder' | 'upload' | 'manifest' | 'copy' | 'annotations' | 'empty' | 'split';
export type AnnotationFormat = InputOf<'ImportAnnotations'>['Format'];

export interface SourceState {
  kind: SourceKind;
  /** folder: a path typed (or, inside the app, dropped). */
  folderPath: string;
  /** folder and upload: what was dropped or picked in a browser (uploaded when the import starts). */
  selection: DropSelection | undefined;
  autoLabel: boolean;
  bucket: string;
  manifestKey: string;
  copyFrom: string;
  format: AnnotationFormat;
  annotationsPath: string;
  imagesFolder: string;
  /** Anomaly projects: the child folders whose images are the good (`normal`) and the `anomaly` ones. */
  goodFolder: string;
  anomalyFolder: string;
}

export function initialSource(kind: SourceKind): SourceState {
  return {
    kind,
    folderPath: '',
    selection: undefined,
    autoLabel: true,
    bucket: '',
    manifestKey: '',
    copyFrom: '',
    format: 'COCO',
    annotationsPath: '',
    imagesFolder: '',
    goodFolder: '',
    anomalyFolder: '',
  };
}

/** Which field is missing, or null when the source can start. */
export type SourceProblem = 'folder' | 'folderUnreadable' | 'files' | 'bucket' | 'manifestKey' | 'copyFrom' | 'annotationsPath' | null;

export function checkSource(source: SourceState): SourceProblem {
  switch (source.kind) {
    case 'folder':
      return source.selection || source.folderPath.trim() ? null : 'folder';
    case 'upload':
      return source.selection && selectionSize(source.selection) > 0 ? null : 'files';
    case 'manifest':
      if (!source.bucket.trim()) return 'bucket';
      return source.manifestKey.trim() ? null : 'manifestKey';
    case 'copy':
      return source.copyFrom ? null : 'copyFrom';
    case 'annotations':
      return source.annotationsPath.trim() ? null : 'annotationsPath';
    case 'empty':
    case 'split':
      return null;
  }
}

/** CreateDataset's DatasetSource for the sources the service itself imports. */
export function datasetSourceOf(source: SourceState): InputOf<'CreateDataset'>['DatasetSource'] {
  if (source.kind === 'manifest') {
    return { GroundTruthManifest: { S3Object: { Bucket: source.bucket.trim(), Name: source.manifestKey.trim().replace(/^\/+/, '') } } };
  }
  if (source.kind === 'copy') return { DatasetArn: source.copyFrom };
  return undefined;
}

/**
 * Starts what the source imports into an existing dataset, in the background. Resolves (never
 * rejects) when it has finished, with whether it succeeded.
 */
export function startSource(datasetArn: string, source: SourceState): Promise<boolean> {
  switch (source.kind) {
    case 'folder':
      return importIntoDataset({
        datasetArn,
        ...(source.selection ? { selection: source.selection } : { folders: [source.folderPath.trim()] }),
        autoLabel: source.autoLabel,
        folderLabels: folderLabelsOf(source),
      });
    case 'upload':
      return source.selection ? importIntoDataset({ datasetArn, selection: source.selection, autoLabel: false }) : Promise.resolve(true);
    case 'annotations':
      return (async () => {
        try {
          const { JobId } = await call('ImportAnnotations', {
            DatasetArn: datasetArn,
            Format: source.format,
            Path: source.annotationsPath.trim(),
            ...(source.imagesFolder.trim() ? { ImagesFolder: source.imagesFolder.trim() } : {}),
          });
          followJob(JobId);
          return (await waitForJob(JobId, datasetArn)).Status === 'succeeded';
        } catch (error) {
          startTask('import', datasetArn).finish('failed', { error });
          return false;
        }
      })();
    case 'manifest':
    case 'copy':
    case 'empty':
    case 'split':
      return Promise.resolve(true);
  }
}

/** The folders marked good and anomalous, as ImportFolder's FolderLabels (Lookout for Vision's class names). */
export function folderLabelsOf(source: SourceState): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  if (source.goodFolder.trim()) labels[source.goodFolder.trim()] = 'normal';
  if (source.anomalyFolder.trim()) labels[source.anomalyFolder.trim()] = 'anomaly';
  return Object.keys(labels).length > 0 ? labels : undefined;
}

export interface SourceFieldsProps {
  source: SourceState;
  onChange: (source: SourceState) => void;
  /** The project is an anomaly-detection project: a folder can be marked good (normal) or anomalous. */
  anomaly?: boolean;
  /** Shows the missing field's message (after a try to submit). */
  problem: SourceProblem;
}

/** The fields of the chosen source. */
export function SourceFields(props: SourceFieldsProps) {
  switch (props.source.kind) {
    case 'folder':
      return <FolderFields {...props} />;
    case 'upload':
      return <UploadFields {...props} />;
    case 'manifest':
      return <ManifestFields {...props} />;
    case 'copy':
      return <CopyFields {...props} />;
    case 'annotations':
      return <AnnotationsFields {...props} />;
    case 'empty':
    case 'split':
      return null;
  }
}

/** A hidden file input; `directory` picks a whole folder (its files carry their relative paths). */
function useFilePicker(directory: boolean, onPick: (files: FileList) => void) {
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    // React has no prop for it; Chromium, Firefox and Safari all read the attribute.
    if (directory) input.current?.setAttribute('webkitdirectory', '');
  }, [directory]);
  const element = (
    <input
      ref={input}
      type="file"
      multiple
      hidden
      accept={directory ? undefined : 'image/png,image/jpeg,.png,.jpg,.jpeg'}
      data-picker={directory ? 'folder' : 'files'}
      onChange={(event: ChangeEvent<HTMLInputElement>) => {
        if (event.target.files && event.target.files.length > 0) onPick(event.target.files);
        event.target.value = '';
      }}
    />
  );
  return { element, open: () => input.current?.click() };
}

function SelectionSummary({ selection, onClear }: { selection: DropSelection; onClear: () => void }) {
  const { t, i18n } = useDatasetT();
  const size = selectionSize(selection);
  const skipped = skippedCount(selection);
  const names = [...selection.folders.map((folder) => folder.name), ...selection.files.slice(0, 3).map((picked) => picked.file.name)];
  const more = selection.files.length > 3 ? selection.files.length - 3 : 0;
  return (
    <div className="selection">
      <Icon name={selection.folders.length > 0 ? 'folder' : 'image'} size={18} />
      <div className="selection__text">
        <span className="selection__names">
          {names.join(', ')}
          {more > 0 ? ` ${t('sources.andMore', { count: more })}` : ''}
        </span>
        <span className="selection__count">{t('sources.imageCount', { count: size, formatted: formatCount(size, i18n.language) })}</span>
        {skipped > 0 ? (
          <span className="selection__skipped">{t('sources.skippedFiles', { count: skipped, formatted: formatCount(skipped, i18n.language), kinds: skippedKinds(selection.skipped ?? {}) })}</span>
        ) : null}
      </div>
      <Button size="sm" variant="ghost" icon="close" aria-label={t('sources.clear')} title={t('sources.clear')} onClick={onClear} />
    </div>
  );
}

function FolderFields({ source, onChange, problem, anomaly }: SourceFieldsProps) {
  const { t } = useDatasetT();
  const local = hasLocalPaths();
  const [emptyDrop, setEmptyDrop] = useState(false);
  const take = (selection: DropSelection) => {
    if (local) {
      const path = selection.folders[0]?.path;
      if (path) onChange({ ...source, folderPath: path, selection: undefined });
      setEmptyDrop(!path);
      return;
    }
    const isEmpty = selectionSize(selection) === 0;
    setEmptyDrop(isEmpty);
    if (!isEmpty) onChange({ ...source, selection });
  };
  const picker = useFilePicker(true, (files) => take(readPicked(files)));

  return (
    <div className="source-fields">
      <TextField
        label={local ? t('sources.folder.pathLabel') : t('sources.folder.serverPathLabel')}
        placeholder={t('sources.folder.pathPlaceholder')}
        hint={local ? t('sources.folder.pathHint') : t('sources.folder.serverPathHint')}
        error={problem === 'folder' ? t('sources.folder.required') : problem === 'folderUnreadable' ? t('sources.folder.unreadable', { path: source.folderPath.trim() }) : undefined}
        value={source.folderPath}
        disabled={Boolean(source.selection)}
        mono
        spellCheck={false}
        autoComplete="off"
        onChange={(event) => onChange({ ...source, folderPath: event.target.value })}
      />
      <DropZone
        icon="folder"
        title={local ? t('sources.folder.dropLocal') : t('sources.folder.dropUpload')}
        hint={local ? t('sources.folder.dropLocalHint') : t('sources.folder.dropUploadHint')}
        onDrop={(dataTransfer) => void readDrop(dataTransfer).then(take)}
        actions={
          <Button size="sm" icon="folder" onClick={picker.open}>
            {t('sources.folder.choose')}
          </Button>
        }
      >
        {source.selection ? <SelectionSummary selection={source.selection} onClear={() => onChange({ ...source, selection: undefined })} /> : null}
        {emptyDrop ? <p className="source-fields__problem">{t('sources.noImages')}</p> : null}
      </DropZone>
      {picker.element}
      <Checkbox
        label={t('sources.autoLabel')}
        hint={t('sources.autoLabelHint')}
        checked={source.autoLabel}
        onChange={(event) => onChange({ ...source, autoLabel: event.target.checked })}
      />
      {anomaly && source.autoLabel ? (
        <div className="source-fields__marks">
          <TextField
            label={t('sources.folder.goodLabel')}
            hint={t('sources.folder.goodHint')}
            placeholder="good"
            value={source.goodFolder}
            mono
            spellCheck={false}
            autoComplete="off"
            onChange={(event) => onChange({ ...source, goodFolder: event.target.value })}
          />
          <TextField
            label={t('sources.folder.anomalyLabel')}
            hint={t('sources.folder.anomalyHint')}
            placeholder="defects"
            value={source.anomalyFolder}
            mono
            spellCheck={false}
            autoComplete="off"
            onChange={(event) => onChange({ ...source, anomalyFolder: event.target.value })}
          />
        </div>
      ) : null}
      <FolderRuleExample />
    </div>
  );
}

/** The guide's folder-to-label rule, drawn as a tiny tree. */
function FolderRuleExample() {
  const { t } = useDatasetT();
  return (
    <details className="folder-rule">
      <summary>{t('sources.folder.ruleSummary')}</summary>
      <pre className="folder-rule__tree" aria-label={t('sources.folder.ruleTreeLabel')}>
        {`alexa-devices/          ← ${t('sources.folder.ruleLocation')}
├── echo/               → echo
├── echo-dot/           → echo-dot
│   └── white-echo-dot/ → echo-dot
└── image.png           → ${t('sources.folder.ruleUnlabeled')}`}
      </pre>
    </details>
  );
}

function UploadFields({ source, onChange, problem }: SourceFieldsProps) {
  const { t } = useDatasetT();
  const [emptyDrop, setEmptyDrop] = useState(false);
  const take = (selection: DropSelection) => {
    const isEmpty = selectionSize(selection) === 0;
    setEmptyDrop(isEmpty);
    if (!isEmpty) onChange({ ...source, selection });
  };
  const picker = useFilePicker(false, (files) => take(readPicked(files)));
  return (
    <div className="source-fields">
      <DropZone
        icon="upload"
        title={t('sources.upload.drop')}
        hint={t('sources.upload.hint')}
        onDrop={(dataTransfer) => void readDrop(dataTransfer).then(take)}
        actions={
          <Button size="sm" icon="image" onClick={picker.open}>
            {t('sources.upload.choose')}
          </Button>
        }
      >
        {source.selection ? <SelectionSummary selection={source.selection} onClear={() => onChange({ ...source, selection: undefined })} /> : null}
        {emptyDrop ? <p className="source-fields__problem">{t('sources.noImages')}</p> : null}
        {problem === 'files' && !source.selection ? (
          <p className="source-fields__problem" role="alert">
            {t('sources.upload.required')}
          </p>
        ) : null}
      </DropZone>
      {picker.element}
    </div>
  );
}

function ManifestFields({ source, onChange, problem }: SourceFieldsProps) {
  const { t } = useDatasetT();
  const listId = useId();
  const mappings = useQuery('ListBucketMappings', {});
  const bucket = source.bucket.trim();
  const mapping = mappings.data?.BucketMappings.find((candidate) => candidate.Bucket === bucket);
  const [unmapped, setUnmapped] = useState<string>();
  // A manifest chosen in the desktop app's dialog is named by the bucket mapped to its folder.
  const pickManifest = (path: string) => {
    const found = bucketKeyOf(path, mappings.data?.BucketMappings ?? []);
    setUnmapped(found ? undefined : path);
    if (found) onChange({ ...source, bucket: found.bucket, manifestKey: found.key });
  };
  return (
    <div className="source-fields">
      <div className="source-fields__row">
        <TextField
          label={t('sources.manifest.bucketLabel')}
          placeholder="my-bucket"
          hint={
            bucket && mappings.data ? (
              mapping ? (
                <>
                  {t('sources.manifest.mappedTo')} <code>{mapping.Folder}</code>
                </>
              ) : (
                t('sources.manifest.notMapped')
              )
            ) : (
              t('sources.manifest.bucketHint')
            )
          }
          error={problem === 'bucket' ? t('sources.manifest.bucketRequired') : undefined}
          value={source.bucket}
          list={listId}
          mono
          spellCheck={false}
          autoComplete="off"
          onChange={(event) => onChange({ ...source, bucket: event.target.value })}
        />
        <datalist id={listId}>
          {mappings.data?.BucketMappings.map((candidate) => <option key={candidate.Bucket} value={candidate.Bucket} />)}
        </datalist>
        <TextField
          label={t('sources.manifest.keyLabel')}
          placeholder="labels/output.manifest"
          hint={t('sources.manifest.keyHint')}
          error={problem === 'manifestKey' ? t('sources.manifest.keyRequired') : unmapped ? t('sources.manifest.notInMapping', { path: unmapped }) : undefined}
          value={source.manifestKey}
          mono
          spellCheck={false}
          autoComplete="off"
          onChange={(event) => onChange({ ...source, manifestKey: event.target.value })}
          trailing={<PathPicker purpose="manifest" onPath={pickManifest} />}
        />
      </div>
      <p className="source-fields__note">
        <Icon name="bucket" size={15} />
        <span>
          {t('sources.manifest.mappingsNote')} <Link to="/settings">{t('sources.manifest.mappingsLink')}</Link>
        </span>
      </p>
    </div>
  );
}

/** A project's name is the part of its ARN after `project/`. */
function projectNameOf(projectArn: string): string {
  return /:project\/([^/]+)\//.exec(projectArn)?.[1] ?? projectArn;
}

function CopyFields({ source, onChange, problem }: SourceFieldsProps) {
  const { t } = useDatasetT();
  const projects = useQuery('DescribeProjects', { MaxResults: 100 });
  const groups = (projects.data?.ProjectDescriptions ?? [])
    .filter((project) => project.Datasets.length > 0)
    .map((project) => ({ name: projectNameOf(project.ProjectArn), datasets: [...project.Datasets].sort((a, b) => a.DatasetType.localeCompare(b.DatasetType)).reverse() }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return (
    <div className="source-fields">
      <SelectField
        label={t('sources.copy.label')}
        hint={groups.length === 0 && projects.data ? t('sources.copy.none') : t('sources.copy.hint')}
        error={problem === 'copyFrom' ? t('sources.copy.required') : undefined}
        value={source.copyFrom}
        disabled={groups.length === 0}
        onChange={(event) => onChange({ ...source, copyFrom: event.target.value })}
      >
        <option value="">{projects.isLoading ? t('common.loading') : t('sources.copy.placeholder')}</option>
        {groups.map((group) => (
          <optgroup key={group.name} label={group.name}>
            {group.datasets.map((dataset) => (
              <option key={dataset.DatasetArn} value={dataset.DatasetArn}>
                {group.name} · {t(`status.datasetType.${dataset.DatasetType}`)}
              </option>
            ))}
          </optgroup>
        ))}
      </SelectField>
    </div>
  );
}

const FORMATS: readonly AnnotationFormat[] = ['COCO', 'VOC', 'YOLO', 'CSV'];

function AnnotationsFields({ source, onChange, problem }: SourceFieldsProps) {
  const { t } = useDatasetT();
  const isFolderFormat = source.format === 'VOC' || source.format === 'YOLO';
  // An uploaded copy is named as the user knows it under the field.
  const uploadedName = (path: string) => {
    const name = userPathOf(path.trim());
    return name !== path.trim() ? t('pathPicker.uploaded', { name }) : undefined;
  };
  return (
    <div className="source-fields">
      <div className="source-fields__row">
        <SelectField label={t('sources.annotations.formatLabel')} value={source.format} onChange={(event) => onChange({ ...source, format: event.target.value as AnnotationFormat })}>
          {FORMATS.map((format) => (
            <option key={format} value={format}>
              {t(`sources.annotations.formats.${format}`)}
            </option>
          ))}
        </SelectField>
        <TextField
          label={t(`sources.annotations.pathLabel.${source.format}`)}
          placeholder={t(`sources.annotations.pathPlaceholder.${source.format}`)}
          hint={uploadedName(source.annotationsPath) ?? t('sources.annotations.pathHint')}
          error={problem === 'annotationsPath' ? t('sources.annotations.pathRequired') : undefined}
          value={source.annotationsPath}
          mono
          spellCheck={false}
          autoComplete="off"
          onChange={(event) => onChange({ ...source, annotationsPath: event.target.value })}
          trailing={
            <PathPicker
              purpose={isFolderFormat ? 'annotationFolder' : 'annotationFile'}
              upload={isFolderFormat ? 'folder' : 'file'}
              accept={source.format === 'CSV' ? '.csv,text/csv' : '.json,application/json'}
              onPath={(path) => onChange({ ...source, annotationsPath: path })}
            />
          }
        />
      </div>
      <TextField
        label={t('sources.annotations.imagesLabel')}
        placeholder={t('sources.annotations.imagesPlaceholder')}
        hint={uploadedName(source.imagesFolder) ?? (isFolderFormat ? t('sources.annotations.imagesHintFolder') : t('sources.annotations.imagesHintFile'))}
        value={source.imagesFolder}
        mono
        spellCheck={false}
        autoComplete="off"
        onChange={(event) => onChange({ ...source, imagesFolder: event.target.value })}
        trailing={<PathPicker purpose="imagesFolder" upload="folder" onlyImages onPath={(path) => onChange({ ...source, imagesFolder: path })} />}
      />
    </div>
  );
}
