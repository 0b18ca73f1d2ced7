import { useRef, useState } from 'react';
import { useMutation } from '../../api';
import { useDescribeError } from '../../lib/errors';
import { checkResourceName, NAME_MAX_LENGTH, type NameProblem } from '../../lib/names';
import { Button, Checkbox, Dialog, ErrorAlert, TextField } from '../../ui';
import './dialogs.css';
import { useProjectsT } from './i18n';

export interface CreateProjectDialogProps {
  onClose: () => void;
  onCreated: (name: string) => void;
}

/**
 * The console's "Create project": a name, checked as the service checks it, and the project's kind —
 * an anomaly-detection project (Lookout for Vision's kind) learns from normal images alone.
 */
export function CreateProjectDialog({ onClose, onCreated }: CreateProjectDialogProps) {
  const { t } = useProjectsT();
  const describeError = useDescribeError();
  const create = useMutation('CreateProject');
  const createAnomaly = useMutation('LookoutVisionCreateProject');
  const [name, setName] = useState('');
  const [isAnomaly, setAnomaly] = useState(false);
  const pending = create.isPending || createAnomaly.isPending;
  const error = create.error ?? createAnomaly.error;
  const [submitted, setSubmitted] = useState(false);
  const field = useRef<HTMLInputElement>(null);

  const problem = checkResourceName(name);
  // An empty field is only an error once the user tries to create; a bad character is one at once.
  const visibleProblem: NameProblem | null = problem === 'required' && !submitted ? null : problem;
  const fieldError =
    visibleProblem === 'required'
      ? t('createProject.errors.required')
      : visibleProblem === 'tooLong'
        ? t('createProject.errors.tooLong', { count: name.length })
        : visibleProblem === 'pattern'
          ? t('createProject.errors.pattern')
          : undefined;

  const submit = async () => {
    setSubmitted(true);
    if (problem) {
      field.current?.focus();
      return;
    }
    try {
      if (isAnomaly) await createAnomaly.run({ ProjectName: name });
      else await create.run({ ProjectName: name });
      onCreated(name);
    } catch {
      // The dialog shows the error; keep the name so it can be corrected.
      field.current?.focus();
    }
  };

  return (
    <Dialog
      title={t('createProject.title')}
      description={t('createProject.description')}
      closeLabel={t('common.close')}
      onClose={onClose}
      onSubmit={() => void submit()}
      isBusy={pending}
      footer={
        <>
          <Button onClick={onClose} disabled={pending}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" variant="primary" isBusy={pending}>
            {t('createProject.submit')}
          </Button>
        </>
      }
    >
      <div className="dialog-stack">
        <TextField
          ref={field}
          label={t('createProject.nameLabel')}
          placeholder={t('createProject.namePlaceholder')}
          hint={t('createProject.nameHint')}
          error={fieldError}
          value={name}
          maxLength={NAME_MAX_LENGTH + 50}
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
          autoFocus
          onChange={(event) => {
            setName(event.target.value);
            create.reset();
            createAnomaly.reset();
          }}
        />
        <Checkbox
          label={t('createProject.anomalyLabel')}
          hint={t('createProject.anomalyHint')}
          checked={isAnomaly}
          onChange={(event) => {
            setAnomaly(event.target.checked);
            create.reset();
            createAnomaly.reset();
          }}
        />
        {error ? <ErrorAlert {...describeError(error)} /> : null}
      </div>
    </Dialog>
  );
}
