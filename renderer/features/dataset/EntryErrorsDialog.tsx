import type { EntryView } from '../../api';
import { statusText } from '../../lib/backendMessages';
import { Button, Dialog, Icon } from '../../ui';
import { isWarningCode } from './EntryCard';
import { useDatasetT } from './i18n';

/**
 * An entry's errors and warnings in words, each with its code (the console's gallery, §2.7); the
 * detail in the UI's language where it is one of Loupe's sentences (the guide's image limits).
 */
export function EntryErrorsDialog({ entry, onClose }: { entry: EntryView; onClose: () => void }) {
  const { t, exists } = useDatasetT();
  return (
    <Dialog
      title={t('datasets.errors.title', { name: entry.FileName })}
      description={<span className="mono entry-errors__ref">{entry.SourceRef}</span>}
      closeLabel={t('common.close')}
      onClose={onClose}
      footer={<Button onClick={onClose}>{t('common.close')}</Button>}
    >
      <ul className="entry-errors">
        {entry.Errors.map((error, index) => {
          const key = `entryErrors.codes.${error.Code}`;
          const words = exists(key) ? (t(key as 'entryErrors.codes.ERROR_INVALID_IMAGE') as string) : error.Message;
          const levelKey = `entryErrors.levels.${error.Level}`;
          const level = exists(levelKey) ? (t(levelKey as 'entryErrors.levels.image') as string) : error.Level;
          const isWarning = isWarningCode(error.Code);
          return (
            <li key={`${error.Code}-${index}`} className={`entry-error ${isWarning ? 'entry-error--warning' : ''}`}>
              <Icon name="alert" size={18} />
              <div className="entry-error__text">
                <p className="entry-error__words">{words}</p>
                {error.Message && error.Message !== words ? <p className="entry-error__detail">{statusText(error.Message)}</p> : null}
                <p className="entry-error__meta">
                  <code className="entry-error__code">{error.Code}</code>
                  <span>{isWarning ? t('datasets.errors.warning') : t('datasets.errors.error')}</span>
                  {level ? <span>· {t('datasets.errors.level', { level })}</span> : null}
                </p>
              </div>
            </li>
          );
        })}
      </ul>
    </Dialog>
  );
}
