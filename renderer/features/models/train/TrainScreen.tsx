import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useMutation, useQuery } from '../../../api';
import { useDescribeError } from '../../../lib/errors';
import { formatCount } from '../../../lib/format';
import { checkResourceName } from '../../../lib/names';
import { createDatasetPath, datasetPath, modelPath, projectPath } from '../../../lib/routes';
import { useDocumentTitle } from '../../../lib/useDocumentTitle';
import { Alert, Button, buttonClass, Dialog, ErrorAlert, Icon, PageHeader, Panel, Spinner, TextField, useToast } from '../../../ui';
import { ProjectBreadcrumbs, ProjectUnavailable } from '../../../app/chrome';
import { useModelsT, type ModelsKey, type ModelsT } from '../i18n';
import { checkTags, tagMap, TagsEditor, type TagRow } from '../TagsEditor';
import { suggestedVersionName, versionNameOf } from '../versions';
import type { Preflight, Problem } from './preflight';
import { usePreflight } from './usePreflight';

/** `#/projects/:name/train`: what will be trained, the checks, a name and tags, then Train. */
export function TrainScreen() {
  const { t, app, language } = useModelsT();
  const { name = '' } = useParams();
  const navigate = useNavigate();
  const toast = useToast();
  const describeError = useDescribeError();
  useDocumentTitle(`${t('train.title')} · ${name}`);

  const described = useQuery('DescribeProjects', { ProjectNames: [name] }, { enabled: checkResourceName(name) === null });
  const project = described.data?.ProjectDescriptions[0];
  const versions = useQuery('DescribeProjectVersions', { ProjectArn: project?.ProjectArn ?? '', MaxResults: 100 }, { enabled: Boolean(project) });
  const check = usePreflight(project?.Datasets, { anomaly: project?.Feature === 'ANOMALY_DETECTION' });
  const create = useMutation('CreateProjectVersion');

  const [dated] = useState(() => suggestedVersionName(name, new Date()));
  const [versionName, setVersionName] = useState('');
  const [description, setDescription] = useState('');
  const [tags, setTags] = useState<TagRow[]>([]);
  const [attempted, setAttempted] = useState(false);
  const [isConfirming, setConfirming] = useState(false);

  const takenNames = useMemo(
    () => new Set(versions.data?.ProjectVersionDescriptions.map((version) => versionNameOf(version.ProjectVersionArn))),
    [versions.data],
  );
  // An anomaly project's versions are Lookout for Vision's models 1, 2, 3…: the next number.
  const suggested =
    project?.Feature === 'ANOMALY_DETECTION' ? String(Math.max(0, ...[...takenNames].filter((taken) => /^\d+$/.test(taken)).map(Number)) + 1) : dated;
  const chosenName = versionName.trim() || suggested;
  const nameProblem = versionName.trim() === '' ? null : checkResourceName(versionName.trim());
  const nameError = nameProblem
    ? t(`train.nameProblems.${nameProblem}` as ModelsKey)
    : takenNames.has(chosenName)
      ? t('train.nameProblems.taken', { name: chosenName })
      : undefined;
  const tagProblems = checkTags(tags);
  const formValid = !nameError && tagProblems.size === 0 && description.length <= 255;

  const breadcrumbs = <ProjectBreadcrumbs projectName={name} current={t('train.title')} />;

  if (!project) {
    return (
      <div className="screen">
        <PageHeader breadcrumbs={breadcrumbs} title={t('train.title')} />
        {described.isLoading ? (
          <Spinner size={22} label={app('common.loading')} />
        ) : (
          <ProjectUnavailable name={name} error={described.error} onRetry={described.refetch} />
        )}
      </div>
    );
  }

  const result = check.result;
  const submit = async () => {
    try {
      const created = await create.run({
        ProjectArn: project.ProjectArn,
        VersionName: chosenName,
        ...(description.trim() ? { VersionDescription: description.trim() } : {}),
        ...(Object.keys(tagMap(tags)).length > 0 ? { Tags: tagMap(tags) } : {}),
      });
      toast.show(t('train.started', { name: chosenName }));
      void navigate(modelPath(name, versionNameOf(created.ProjectVersionArn)));
    } catch {
      // Shown in the dialog.
    }
  };

  return (
    <div className="screen train-screen">
      <PageHeader breadcrumbs={breadcrumbs} title={t('train.title')} description={t('train.description', { name })} />
      <div className="train-grid">
        <div className="train-grid__main">
          <Panel icon="model" title={t('train.plan.title')} description={t('train.plan.description')}>
            {check.error && !result ? <ErrorAlert {...describeError(check.error)} /> : null}
            {!result ? (
              <div className="train-loading" aria-hidden="true">
                <span className="skeleton" style={{ width: '60%' }} />
                <span className="skeleton" style={{ width: '40%' }} />
                <span className="skeleton" style={{ width: '50%' }} />
              </div>
            ) : (
              <PlanSummary result={result} projectName={name} t={t} language={language} />
            )}
          </Panel>
          <Panel icon="alert" title={t('train.checks.title')} description={t('train.checks.description')}>
            {!result ? (
              <Spinner size={18} label={t('train.checks.running')} />
            ) : result.problems.length === 0 ? (
              <p className="train-ok">
                <Icon name="check" size={18} />
                {t('train.checks.none')}
              </p>
            ) : (
              <ul className="train-problems" aria-label={t('train.checks.title')}>
                {result.problems.map((problem, index) => (
                  <ProblemItem key={`${problem.code}-${problem.dataset ?? ''}-${index}`} problem={problem} projectName={name} />
                ))}
              </ul>
            )}
          </Panel>
        </div>
        <div className="train-grid__side">
          <Panel icon="tag" title={t('train.version.title')} description={t('train.version.description')}>
            <form
              className="train-form"
              noValidate
              onSubmit={(event) => {
                event.preventDefault();
                setAttempted(true);
                if (formValid && result?.canTrain) setConfirming(true);
              }}
            >
              <TextField
                label={t('train.version.name')}
                hint={t('train.version.nameHint')}
                placeholder={suggested}
                value={versionName}
                onChange={(event) => setVersionName(event.target.value)}
                error={nameError}
                mono
                maxLength={255}
                autoComplete="off"
                spellCheck={false}
              />
              <TextField
                label={t('train.version.descriptionLabel')}
                hint={t('train.version.descriptionHint')}
                value={description}
                onChange={(event) => setDescription(event.target.value)}
                maxLength={255}
                autoComplete="off"
              />
              <fieldset className="train-form__tags">
                <legend>{t('train.version.tags')}</legend>
                <p className="train-form__hint">{t('train.version.tagsHint')}</p>
                <TagsEditor rows={tags} onChange={setTags} showProblems={attempted} />
              </fieldset>
              {result && !result.canTrain ? (
                <Alert tone="warning" title={t('train.blocked.title')}>
                  {t('train.blocked.body')}
                </Alert>
              ) : null}
              <div className="train-form__actions">
                <Link className={buttonClass('secondary')} to={projectPath(name)}>
                  {app('common.cancel')}
                </Link>
                <Button type="submit" variant="primary" icon="play" disabled={!result?.canTrain}>
                  {t('train.submit')}
                </Button>
              </div>
            </form>
          </Panel>
        </div>
      </div>
      {isConfirming && result ? (
        <Dialog
          title={t('train.confirm.title')}
          description={t('train.confirm.description')}
          closeLabel={app('common.close')}
          onClose={() => {
            setConfirming(false);
            create.reset();
          }}
          onSubmit={() => void submit()}
          isBusy={create.isPending}
          footer={
            <>
              <Button onClick={() => setConfirming(false)} disabled={create.isPending}>
                {app('common.cancel')}
              </Button>
              <Button type="submit" variant="primary" isBusy={create.isPending}>
                {t('train.submit')}
              </Button>
            </>
          }
        >
          <dl className="train-confirm">
            <div>
              <dt>{t('train.version.name')}</dt>
              <dd className="mono">{chosenName}</dd>
            </div>
            <div>
              <dt>{t('train.plan.useCase')}</dt>
              <dd>{result.useCase ? t(`useCase.${result.useCase}`) : app('common.notAvailable')}</dd>
            </div>
            <div>
              <dt>{t('train.plan.images')}</dt>
              <dd className="tabular">
                {result.autoSplit
                  ? t('train.confirm.imagesSplit', { train: formatCount(result.trainImages, language) })
                  : t('train.confirm.images', { train: formatCount(result.trainImages, language), test: formatCount(result.testImages, language) })}
              </dd>
            </div>
          </dl>
          {create.error ? <ErrorAlert {...describeError(create.error)} /> : null}
        </Dialog>
      ) : null}
    </div>
  );
}

function PlanSummary({ result, projectName, t, language }: { result: Preflight; projectName: string; t: ModelsT; language: string }) {
  const detection = result.useCase === 'OBJECT_LOCALIZATION';
  return (
    <div className="train-plan">
      <div className="train-plan__facts">
        <div className="train-fact">
          <span className="train-fact__label">{t('train.plan.useCase')}</span>
          <span className="train-fact__value">
            <Icon name={detection ? 'box' : 'tag'} size={16} />
            {result.useCase ? t(`useCase.${result.useCase}`) : t('train.plan.undetermined')}
          </span>
          <span className="train-fact__hint">
            {result.useCase ? t(`train.plan.useCaseHint.${result.useCase}`) : t('train.plan.undeterminedHint')}
            {result.estimated ? ` ${t('train.plan.estimated')}` : ''}
          </span>
        </div>
        <div className="train-fact">
          <span className="train-fact__label">{t('train.plan.trainingImages')}</span>
          <span className="train-fact__value tabular">{formatCount(result.trainImages, language)}</span>
          <Link className="train-fact__hint" to={datasetPath(projectName, 'train')}>
            {t('train.plan.openTraining')}
          </Link>
        </div>
        <div className="train-fact">
          <span className="train-fact__label">{t('train.plan.testImages')}</span>
          <span className="train-fact__value tabular">
            {result.autoSplit ? t('train.plan.autoSplitShort') : formatCount(result.testImages, language)}
          </span>
          {result.autoSplit ? null : (
            <Link className="train-fact__hint" to={datasetPath(projectName, 'test')}>
              {t('train.plan.openTest')}
            </Link>
          )}
        </div>
      </div>
      {result.autoSplit ? (
        <Alert tone="info" title={t('train.plan.autoSplitTitle')}>
          {t('train.plan.autoSplitBody')}
        </Alert>
      ) : null}
      {result.labels.length > 0 ? (
        <div className="ui-table-wrap train-labels">
          <table className="ui-table">
            <caption className="visually-hidden">{t('train.plan.labelsCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('train.plan.label')}</th>
                <th scope="col" className="is-end">
                  {t('train.plan.trainCount')}
                </th>
                {detection ? (
                  <th scope="col" className="is-end">
                    {t('train.plan.trainBoxes')}
                  </th>
                ) : null}
                <th scope="col" className="is-end">
                  {result.autoSplit ? t('train.plan.testCountSplit') : t('train.plan.testCount')}
                </th>
                {detection && !result.autoSplit ? (
                  <th scope="col" className="is-end">
                    {t('train.plan.testBoxes')}
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {result.labels.map((label) => (
                <tr key={label.name} aria-label={label.name}>
                  <td>
                    <span className="label-chip">{label.name}</span>
                  </td>
                  <td className="is-end tabular">{formatCount(label.trainImages, language)}</td>
                  {detection ? <td className="is-end tabular">{formatCount(label.trainBoxes, language)}</td> : null}
                  <td className="is-end tabular">
                    {result.autoSplit ? `≈ ${formatCount(Math.max(label.trainImages > 1 ? 1 : 0, Math.round(label.trainImages * 0.2)), language)}` : formatCount(label.testImages, language)}
                  </td>
                  {detection && !result.autoSplit ? <td className="is-end tabular">{formatCount(label.testBoxes, language)}</td> : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}

function ProblemItem({ problem, projectName }: { problem: Problem; projectName: string }) {
  const { t, language } = useModelsT();
  const values = {
    count: problem.count ?? 0,
    countText: formatCount(problem.count ?? 0, language),
    labels: (problem.labels ?? []).slice(0, 8).join(', ') + ((problem.labels?.length ?? 0) > 8 ? ` +${(problem.labels?.length ?? 0) - 8}` : ''),
    labelCount: problem.labels?.length ?? 0,
    min: problem.min ?? 0,
    max: problem.max ?? 0,
    dataset: problem.dataset ? t(`train.datasetNames.${problem.dataset}`) : '',
  };
  const icon = problem.level === 'info' ? 'info' : 'alert';
  const fix =
    problem.code === 'noTrainingDataset' ? (
      <Link to={createDatasetPath(projectName)}>{t('train.fix.createDataset')}</Link>
    ) : problem.dataset && problem.code !== 'datasetBusy' ? (
      <Link to={datasetPath(projectName, problem.dataset === 'TRAIN' ? 'train' : 'test')}>{t('train.fix.openDataset', { dataset: values.dataset })}</Link>
    ) : null;
  return (
    <li className={`train-problem train-problem--${problem.level}`}>
      <Icon name={icon} size={16} />
      <div>
        <p className="train-problem__level">{t(`train.levels.${problem.level}`)}</p>
        <p className="train-problem__text">{t(`train.problems.${problem.code}` as ModelsKey, values)}</p>
        {fix ? <p className="train-problem__fix">{fix}</p> : null}
      </div>
    </li>
  );
}
