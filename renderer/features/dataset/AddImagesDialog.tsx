import { useState } from 'react';
import type { DatasetMetadata } from '../../api';
import { Button, Dialog, OptionCards, useToast } from '../../ui';
import { checkSource, initialSource, SourceFields, startSource, type SourceKind, type SourceState } from './sources';
import { useDatasetT } from './i18n';

/** More images for an existing dataset: a folder, image files, or an annotations file. */
/** `anomaly`: the project is an anomaly-detection project (its folders can be marked good or anomalous). */
export function AddImagesDialog({ dataset, anomaly = false, onClose }: { dataset: DatasetMetadata; anomaly?: boolean; onClose: () => void }) {
  const { t } = useDatasetT();
  const toast = useToast();
  const [source, setSource] = useState<SourceState>(() => initialSource('folder'));
  const [submitted, setSubmitted] = useState(false);
  const problem = checkSource(source);
  const typeName = t(`status.datasetType.${dataset.DatasetType}`);

  const submit = () => {
    setSubmitted(true);
    if (problem) return;
    void startSource(dataset.DatasetArn, source);
    toast.show(t('addImages.started', { type: typeName }), 'info');
    onClose();
  };

  return (
    <Dialog
      size="lg"
      title={t('addImages.title', { type: typeName })}
      description={t('addImages.description')}
      closeLabel={t('common.close')}
      onClose={onClose}
      onSubmit={submit}
      footer={
        <>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="submit" variant="primary" icon="upload">
            {t('addImages.submit')}
          </Button>
        </>
      }
    >
      <div className="dataset-dialog">
        <OptionCards<SourceKind>
          legend={t('addImages.sourceLegend')}
          columns={3}
          value={source.kind}
          onChange={(kind) => {
            setSource({ ...source, kind });
            setSubmitted(false);
          }}
          options={[
            { value: 'folder', icon: 'folder', title: t('addImages.sources.folder') },
            { value: 'upload', icon: 'image', title: t('addImages.sources.upload') },
            { value: 'annotations', icon: 'tag', title: t('addImages.sources.annotations') },
          ]}
        />
        <SourceFields source={source} onChange={setSource} problem={submitted ? problem : null} anomaly={anomaly} />
      </div>
    </Dialog>
  );
}
