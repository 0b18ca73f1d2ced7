/**
 * Model packages: a trained version's model file, signature and evaluation in one folder, so a
 * model trained on a workstation runs on a kiosk. ExportModelPackage writes
 * `<Folder>/<project>.<version>/` (with `loupe-model.json` describing it); ImportModelPackage
 * checks a package and adds it to a project as a new version (COPYING_IN_PROGRESS →
 * COPYING_COMPLETED | COPYING_FAILED), exactly the weights that were evaluated, no datasets.
 */
import { copyFile, lstat, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import type { OutputOf } from '../../preload/contract';
import type { ExportModelPackageInput, ImportModelPackageInput } from '../../preload/contract/schemas';
import type { Context } from '../core/context';
import { transaction } from '../db';
import * as q from '../db/queries';
import { codedError } from '../errors';
import { startJob } from '../jobs';
import { requireProject } from '../projects';
import { completeCopy, copyPlanned, planCopy, sha256OfFile } from './copyPlan';
import { outputLocation } from './output';
import { requireVersion } from './index';
import { insertNewVersion } from './newVersion';
import { removeVersionFiles } from './recovery';

const PACKAGE_FILE = 'loupe-model.json';

const PackageManifest = z.object({
  format: z.literal(1),
  model: z.string().regex(/^[^/\\]+\.onnx$/),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  sourceProjectVersionArn: z.string(),
  f1Score: z.number().nullable(),
  executionProvider: z.string().nullable(),
  files: z.array(z.string().regex(/^[^/\\]+$/)),
  evaluationSummary: z.string().nullable(),
  manifestSummary: z.unknown().optional(),
  snapshot: z.unknown().optional(),
  trainingSeconds: z.number().nullable(),
});
type PackageManifest = z.infer<typeof PackageManifest>;

const TRAINED = new Set(['TRAINING_COMPLETED', 'STOPPED', 'RUNNING', 'STARTING', 'STOPPING', 'FAILED', 'COPYING_COMPLETED']);

function absolute(path: string): string {
  if (!isAbsolute(path)) throw codedError('InvalidParameterException', 'NotAbsolutePath', { field: 'Folder', path });
  return resolve(path);
}

export async function exportModelPackage(ctx: Context, input: ExportModelPackageInput): Promise<OutputOf<'ExportModelPackage'>> {
  const version = requireVersion(ctx, input.ProjectVersionArn);
  if (!TRAINED.has(version.status) || !version.modelPath) {
    throw codedError('InvalidParameterException', 'ModelNotExportable', { status: version.status });
  }
  const project = q.findProjectById(ctx.db, version.projectId)!;
  const from = outputLocation(ctx, version, project.name).folder;
  const folder = join(absolute(input.Folder), `${project.name}.${version.name}`);
  await mkdir(folder, { recursive: true });
  const files = (await readdir(from)).filter((file) => !file.includes('.tmp-'));
  for (const file of files) await copyFile(join(from, file), join(folder, file));
  const evaluation = q.findEvaluation(ctx.db, version.id);
  const manifest: PackageManifest = {
    format: 1,
    model: basename(version.modelPath),
    sha256: await sha256OfFile(version.modelPath),
    sourceProjectVersionArn: version.arn,
    f1Score: evaluation?.f1Score ?? null,
    executionProvider: version.executionProvider,
    files,
    evaluationSummary: evaluation?.summaryPath ? basename(evaluation.summaryPath) : null,
    ...(version.manifestSummaryJson ? { manifestSummary: JSON.parse(version.manifestSummaryJson) as unknown } : {}),
    ...(version.snapshotJson ? { snapshot: JSON.parse(version.snapshotJson) as unknown } : {}),
    trainingSeconds: version.billableTrainingMs === null ? null : version.billableTrainingMs / 1000,
  };
  await writeFile(join(folder, PACKAGE_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return { Folder: folder };
}

/**
 * Every path in `loupe-model.json` is the name of a plain file inside the package, listed in
 * `files`: never a folder, a `..`, an absolute path or a link, so a crafted package cannot make
 * Loupe read (and serve back, through DescribeEvaluation) a file from elsewhere on the disk.
 */
async function requirePackagePaths(folder: string, manifest: PackageManifest): Promise<void> {
  const refuse = (field: string, value: string, why: string) =>
    codedError('InvalidParameterException', 'PackageFieldInvalid', { manifest: PACKAGE_FILE, field, value: JSON.stringify(value), why });
  for (const [i, file] of manifest.files.entries()) {
    if (!isPackageName(file)) throw refuse(`files[${i}]`, file, 'must be the name of a file inside the package');
    const info = await lstat(join(folder, file)).catch(() => undefined);
    if (!info?.isFile()) throw refuse(`files[${i}]`, file, 'must be a plain file inside the package (not a link, a folder or a missing file)');
  }
  const listed: [string, string | null][] = [
    ['model', manifest.model],
    ['evaluationSummary', manifest.evaluationSummary],
  ];
  for (const [field, value] of listed) {
    if (value !== null && (!isPackageName(value) || !manifest.files.includes(value))) {
      throw refuse(field, value, 'must be the name of one of the files the package lists in files');
    }
  }
}

/** A file name with no folder in it: no separator, not `.` or `..`, no NUL, not empty. */
function isPackageName(value: string): boolean {
  return value !== '' && value !== '.' && value !== '..' && !/[/\\\0]/.test(value) && basename(value) === value && !isAbsolute(value);
}

export async function importModelPackage(ctx: Context, input: ImportModelPackageInput): Promise<OutputOf<'ImportModelPackage'>> {
  const folder = absolute(input.Folder);
  let manifest: PackageManifest;
  try {
    manifest = PackageManifest.parse(JSON.parse(await readFile(join(folder, PACKAGE_FILE), 'utf8')));
  } catch (error) {
    throw codedError('InvalidParameterException', 'NotAPackage', { path: folder, manifest: PACKAGE_FILE, reason: (error as Error).message });
  }
  await requirePackagePaths(folder, manifest);
  const plan = await planCopy(folder, manifest.files, {
    statusMessage: 'The model was imported.',
    model: manifest.model,
    executionProvider: manifest.executionProvider,
    manifestSummaryJson: manifest.manifestSummary ? JSON.stringify(manifest.manifestSummary) : null,
    snapshotJson: manifest.snapshot ? JSON.stringify(manifest.snapshot) : null,
    billableTrainingMs: manifest.trainingSeconds === null ? null : Math.round(manifest.trainingSeconds * 1000),
    trainingEndMs: null,
    evaluation: manifest.evaluationSummary
      ? {
          f1Score: manifest.f1Score,
          summaryFile: manifest.evaluationSummary,
          manifestFile: manifest.files.includes('testing_manifest_snapshot.json') ? 'testing_manifest_snapshot.json' : null,
          summaryJson: null,
        }
      : null,
  });
  if (plan.files.find((file) => file.name === manifest.model)?.sha256 !== manifest.sha256) {
    throw codedError('InvalidParameterException', 'PackageModelMismatch', { model: manifest.model });
  }
  const createdMs = ctx.now();
  const { project, version } = transaction(ctx.db, () => {
    const project = requireProject(ctx, input.ProjectArn);
    const version = insertNewVersion(ctx, {
      project,
      name: input.VersionName,
      createdMs,
      status: 'COPYING_IN_PROGRESS',
      statusMessage: 'The model is being imported.',
      sourceVersionArn: manifest.sourceProjectVersionArn,
    });
    return { project, version };
  });
  const changed = () => ctx.events.resourcesChanged(version.arn, project.arn);
  changed();
  startJob(
    ctx,
    {
      kind: 'ImportModelPackage',
      resourceArn: version.arn,
      input: plan,
      onFailure: (error) => {
        // What was copied so far is of no use: a failed copy leaves no files behind.
        removeVersionFiles(ctx, version);
        q.updateVersion(ctx.db, version.id, { status: 'COPYING_FAILED', statusMessage: error instanceof Error ? error.message : String(error) });
        changed();
      },
    },
    async (job) => {
      const to = outputLocation(ctx, version, project.name).folder;
      await copyPlanned(plan, folder, to, job);
      completeCopy(ctx, version, to, plan.completion);
      changed();
    },
  );
  return { ProjectVersionArn: version.arn };
}
