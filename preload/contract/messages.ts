/**
 * Loupe's own sentences to a person, by code. The backend answers with the English below (the API
 * keeps one language, as the service does) and adds the code and its parameters, so the renderer
 * can say the same in the user's language (locales `backend.<code>`), falling back to the English
 * when it has no words for a code.
 *
 * Adding a message: add the code and its English here, the same key under `backend` in both
 * renderer locales, and throw it with `codedError` (main/errors.ts) or return it from a job.
 * A sentence around a `{reason}` that is itself one of these sentences also carries the reason's
 * code as the parameter `reasonCode` (and the reason's own parameters), so the UI words both.
 */

export const MESSAGES = {
  NotAbsolutePath: '{field} must be an absolute path: {path}',
  NoFolderAt: 'There is no folder at {path}.',
  NotAFolder: '{path} is a file, not a folder.',
  ExportFolderNotEmpty: 'The folder {path} is not empty; give the path of a new or empty folder.',
  ExportRefused: 'The export was refused: the exported model does not agree with Loupe on {count} check(s) of the golden images. {details}',
  FolderNotReadable: 'Loupe may not read the folder {path}.',
  FileNotFound: 'There is no file at {path}.',
  FileNotReadable: 'Loupe could not read {path}: {reason}',
  AnnotationFileRefused: '{file} cannot be imported as {format}: it {reason}',
  NoYoloClasses: 'No classes.txt, obj.names or data.yaml next to {path}.',
  ManifestRefused: 'The manifest {file} was refused: {reason}',
  AlreadyWatched: 'The dataset {dataset} already watches {path}.',
  WatchOverlaps: '{path} overlaps {other}, which the dataset already watches. Unwatch it first.',
  DatasetBusy: 'The dataset {dataset} is {status}. Wait for it to finish.',
  NoSuchLabel: 'The dataset has no label {label}.',
  LabelExists: 'The dataset already has a label {label}.',
  TooManyLabels: 'A dataset can have at most {max} labels.',
  ProjectExists: 'A project named {name} already exists.',
  ModelNotRunning: 'The model is {status}. Start it before analysing images.',
  ImageTooManyPixels: 'The image is too large: {detail}.',
  UndoExpired: 'That removal can no longer be undone: Loupe restarted or removed images many times since.',
  NoTrainingDataset: 'The project {project} has no training dataset. Create one first.',
  ModelTraining: 'The model is being trained.',
  ModelTrained: 'The model is ready to run.',
  TrainingServiceIssue: 'Amazon Rekognition experienced a service issue. Try your call again.',
  TrainingInterrupted: 'Loupe stopped while this model was training. Train a new version.',
  ImportCancelled: 'The import was cancelled; nothing was changed.',
  JobInterrupted: 'Loupe stopped while this job was running.',
  NotAnImageFile: 'Not an image file Loupe imports.',
  ImageTooLarge: '{file} is too large: {width}×{height} px ({megapixels} MP); Loupe uses images up to {maxMegapixels} MP.',
  ManifestTooManyInvalidRows: 'The manifest file contains too many invalid rows.',
  TooFewImagesToSplit: 'The manifest file has insufficient labeled images per label to perform auto-split.',
  TooFewLabels: 'The manifest file has too few labels.',
  TooManyLabelsToTrain: 'The manifest file has too many labels.',
  TooLittleLabelOverlap: 'Less than 50% label overlap between the training and testing manifest files.',
  TooFewUsableLabels: 'The manifest file has too few usable labels.',
  TooLittleUsableLabelOverlap: 'Less than 50% usable label overlap between the training and testing manifest files.',
  NothingToTrainOn: 'The datasets hold nothing to train on.',
  OutputNotWritable: 'Unable to write to output S3 bucket. {folder} (s3://{bucket}/{prefix}) cannot be made: {reason}',
  NoTrainingEngine: 'No training engine is available in this Loupe build.',
  TooFewNormalImages: 'The training dataset needs at least 2 images labelled normal; it has {count}.',
  TrainingCancelled: 'Training was cancelled.',
  TrainingInternalError: 'Loupe experienced an internal error while training.',
  BackboneDownloaded: '{id} is downloaded already.',
  BackboneDownloading: '{id} is being downloaded (job {job}).',
  BackboneDownloadFailed: '{reason}',
  BackboneUnusable: '{id} cannot be used as a backbone: {reason}',
  BackboneSpecInvalid: 'The spec is not valid: {problems}.',
  BackboneIdTaken: '{id} is a built-in backbone; give yours another id.',
  FileCannotBeRead: '{path} cannot be read.',
  BackboneMismatch: 'The model does not fit its spec: {problems}.',
  BackboneNotLoadable: 'ONNX Runtime cannot load the model: {reason}',
  BackboneBatchFails: 'The model does not run on a batch of {batch}: {reason}',
  BackboneOutputShape: 'Output "{output}" is [{got}] for a batch of {batch}; the spec needs [{batch}, {size}].',
  NoFolderOrNotAFolder: 'Folder {path} does not exist or is not a folder.',
  BucketNotMapped: 'No folder is mapped to the bucket {bucket}.',
  DatasetExists: 'The project {project} already has a {type} dataset. Delete it before creating another.',
  DatasetBusyToDelete: 'The dataset {dataset} is {status}. Wait for it to finish, then delete it.',
  DatasetInterrupted: 'Loupe stopped while this dataset was being written. Nothing was changed; run the import again.',
  TestDatasetNotEmpty: 'The test dataset {dataset} must be empty to receive entries from the training dataset; it has {count}.',
  FolderTooManyFiles: '{path} has more than {count} files; choose a smaller folder.',
  FolderTooManyFolders: '{path} has more than {count} folders; choose a smaller folder.',
  FolderTooDeep: '{path} has folders nested more than {depth} deep; choose a smaller folder.',
  NoSuchEntries: 'The dataset {dataset} has no entry {ids}.',
  DatasetFileRefused: '{reason}',
  BoxTooSmall: 'ERROR_BOUNDING_BOX_TOO_SMALL: The height and width of the bounding box is too small. Each side must be more than {min} px.',
  BoxOffImage: 'ERROR_INVALID_BOUNDING_BOX: The bounding box has off frame values. The image is {width}×{height} px.',
  NoSuchEntriesHere: 'No entry {ids} in this dataset.',
  EntryChanged: '{file} changed since it was loaded (revision {revision}, not {expected}). Reload it and try again.',
  NoSuchJob: 'Job {id} does not exist.',
  JobCancelled: 'Cancelled.',
  JobFailed: '{reason}',
  NotWatched: 'The dataset {dataset} does not watch {path}.',
  ProjectNotEmpty: 'The project {project} still has {datasets} dataset(s) and {models} model(s). Delete them before deleting the project.',
  ProjectModelsBusy: 'Stop the running or training models of {project} first: {models}.',
  TooManyTags: 'A resource can have at most {max} tags; this change would give it {count}.',
  TrainingFinished: 'F1 {f1} on {count} test images.',
  AnomalyTrainingFinished: 'Image AUROC {auroc} on {count} test images.',
  BackboneDownloadDone: '{title} is downloaded and registered as {id}.',
  ExportDone: '{count} entries written to {folder}.',
  ExportDoneWithSkipped: '{count} entries written to {folder}; {skipped} annotations this format cannot hold were left out.',
  UploadTooLarge: '{file} is larger than {limit}, the most Loupe takes in one upload.',
  ModelNotCopyable: 'The source model is {status}; only a trained model can be copied.',
  CopyDenied: 'A project policy of {project} denies copying {model}.',
  FileChangedWhileCopying: '{file} changed while it was being copied; copy the model again.',
  ModelNotStartable: 'The model is {status}; only a trained, stopped model can be started.',
  InferenceUnitsOutOfOrder: 'MaxInferenceUnits ({max}) must be at least MinInferenceUnits ({min}).',
  NoModelEngine: 'No model engine is available in this Loupe build.',
  ModelNotStoppable: 'The model is {status}; only a running model can be stopped.',
  ModelBusyToDelete: 'The model is {status}. Stop it, or wait for training to finish, before deleting it.',
  ImageNotPngOrJpeg: 'The image is not a valid PNG or JPEG file.',
  ImageBytesTooLarge: 'Image bytes must be at most 4 MB; these are {size} MB.',
  VersionNameTaken: 'The project {project} already has a version named {name}.',
  OutputBucketNotMapped: 'Unable to write to output S3 bucket. No folder is mapped to the bucket {bucket} (OutputConfig.S3Bucket): map one in Settings › Bucket mappings (CreateBucketMapping), or leave OutputConfig out.',
  ModelNotExportable: 'The model is {status}; only a trained model can be exported.',
  PackageFieldInvalid: 'The package\'s {manifest} field {field} ({value}) {why}.',
  NotAPackage: '{path} is not a Loupe model package ({manifest}: {reason}).',
  PackageModelMismatch: 'The package\'s {model} is missing or does not match its SHA-256.',
  ThresholdsNeedTrainedModel: 'The model is {status}; thresholds are set on a trained model.',
  ThresholdLabelUnknown: 'The model has no label {unknown} (Thresholds); its labels are {labels}.',
  NoEvaluationYet: 'The model {model} is {status}; it has no evaluation yet. Wait for training to complete (DescribeProjectVersions).',
  NoHeatMap: 'The model has no heat map for {file}.',
  HeatMapMissing: 'The heat map of {file} is missing from the model\'s folder.',
  NoTestResult: 'The model has no test result for {file}.',
  NotAnAnomalyModel: 'The model {model} is not an anomaly-detection model; it has no heat maps.',
  TestImageGone: 'The test image {file} is no longer in the project\'s test dataset; its heat map cannot be made.',
  TestImageUnreadable: 'The test image {file} cannot be read ({reason}).',
  ModelStarting: 'The model is starting.',
  ModelRunning: 'The model is running.',
  ModelStopping: 'The model is stopping.',
  ModelStopped: 'The model has stopped running.',
  NoSuchProject: 'The project {arn} does not exist.',
  NoSuchDataset: 'The dataset {arn} does not exist.',
  NoSuchProjectVersion: 'The project version {arn} does not exist.',
  InvalidNextToken: 'The NextToken is not valid. Use the token of a previous response.',
  InternalError: 'Loupe experienced an internal error. The log has the details.',
  JobCancelledError: 'The job was cancelled.',
  NotALoupeModel: '{path} is not a Loupe model.',
  ModelFileNotLoupe: 'The model file is not a Loupe model (no loupe metadata).',
  UseCaseNotServable: 'Models of use case {useCase} cannot be exported as a serving graph yet.',
  ModelStoppedAnalyse: 'The model has stopped. Start it (StartProjectVersion) and analyse the image again.',
  ModelStoppedRequest: 'The model has stopped. Start it (StartProjectVersion) and send the request again.',
  ModelNotLoaded: 'The model could not be loaded: {reason}',
  UnitFailedLoading: 'The inference unit stopped while loading the model: {reason}',
  UnitExitedLoading: 'The inference unit stopped while loading the model (exit code {code})',
  UnitStopped: 'The inference unit stopped unexpectedly (exit code {code}). Analyse the image again.',
  UnitsBusy: 'The model has more requests than its inference units can take. Try again, or start it with more units.',
  NoDetectorFeatureMap: 'The backbone has no spatial feature map that a detector can use.',
  NoBoxesToTrain: 'There are no training images with boxes to train a detector on. Label objects with bounding boxes in the training dataset.',
  TrainingProcessEnded: 'The training process ended ({how}) before the model was finished.',
  TrainingProcessStopped: 'The training process stopped unexpectedly ({how}). Train the version again.',
  BackboneNotBuilt: 'The backbone {id} is not built in {folder}. Run "npm run build:models".',
  AnomalyNeedsNormalImages: 'An anomaly model needs at least 2 normal images in its training dataset.',
  NotAnAnomalyModelFile: '{path} is not an anomaly model.',
  NotAFolderPath: '{path} is not a folder.',
  NoModelInRepository: '{path} holds no model: a model repository has <model name>/config.pbtxt and <model name>/1/model.onnx.',
  ModelFileOutsideVersion: '{folder}/config.pbtxt names a model file outside its version folder.',
  NoModelVersionFolder: '{folder} has no version folder with {file} (e.g. 1/{file}).',
  DuplicateModelName: 'Two models in {folder} are named {name}.',
  KioskPinLocked: 'Too many wrong PINs: the kiosk PIN can be tried again in {seconds} seconds.',
  SessionTokenInvalid: 'The session token is not valid for this Loupe server. Sign in again.',
  KioskOperationDenied: 'A kiosk may only analyse images with {model}; {operation} is not allowed.',
  UploadPathInvalid: 'Upload to /uploads/<batch>/<relative path> with plain folder and file names.',
  NotAnApiPath: 'POST {path} is not an API path; send API requests to /.',
  LfvMethodNotSupported: '{method} is not supported on {path}.',
  LfvNotAnApiPath: '{path} is not a Lookout for Vision API path.',
  LfvModelNotFound: 'The model {version} of project {project} does not exist (ModelVersion).',
  LfvNoTrainDataset: 'The project {project} has no train dataset to train a model from (ProjectName).',
  LfvTrainDatasetBusy: 'The train dataset is {status}; wait for it to finish (ProjectName).',
  LfvTestDatasetBusy: 'The test dataset is {status}; wait for it to finish (ProjectName).',
  LfvModelBusyToDelete: 'The model {model} is {status}; stop it (or let training finish) before deleting it (ModelVersion).',
  LfvModelNotStartable: 'The model {model} is {status}; only a trained model can be started (ModelVersion).',
  LfvModelNotHosted: 'The model {model} is {status}, not hosted (ModelVersion).',
  LfvModelNotRunning: 'The model {model} is {status}; start it before detecting anomalies (ModelVersion).',
  LfvContentType: 'Content-Type must be image/jpeg or image/png, not {type} (ContentType).',
  LfvBodyNotImage: 'The body is not a {format} image (Body).',
  LfvNotAnomalyModel: 'The model {model} is not an anomaly-detection model (ModelVersion).',
  LfvProjectNotFound: 'The project {name} does not exist (ProjectName).',
  LfvNoDataset: 'The project {project} has no {type} dataset (DatasetType).',
  LfvProjectExists: 'A project named {name} already exists (ProjectName).',
  LfvProjectNotEmpty: 'The project {project} still has {datasets} datasets and {models} models; delete them first (ProjectName).',
  LfvBadNextToken: 'The pagination token is not valid (NextToken).',
  LfvDatasetExists: 'The project {project} already has a {type} dataset (DatasetType).',
  LfvBadAnomalyClass: 'AnomalyClass must be normal or anomaly, not {value} (AnomalyClass).',
  LfvNotAnArn: '{arn} is not a Lookout for Vision project or model ARN (ResourceArn).',
  LfvResourceNotFound: 'The resource {arn} does not exist (ResourceArn).',
  LfvTooManyTags: 'A resource can have at most {max} tags (Tags).',
  NoSuchVersion: 'The version {arn} does not exist.',
  NoSuchResource: 'The resource {arn} does not exist.',
  /** The guide's image-limit sentences with what was measured (imageLimits.ts); the most specific first, for parseMessage. */
  ImageInvalid: 'The image is invalid. Check S3 path and/or image properties.',
  ImageFileTooLarge: 'The image is invalid. Check S3 path and/or image properties. The file is too large: {bytes} bytes ({megabytes} MB); the maximum for an image file is {max} MB.',
  ImageBytesOverLimit: 'The image is invalid. Check S3 path and/or image properties. The file is too large: {bytes} bytes ({megabytes} MB); the maximum for image bytes is {max} MB.',
  ImageSidesTooLarge: 'The image dimension(s) do not conform to allowed dimensions. The image is too large: {width}×{height} pixels; each side must be {min} to {max} pixels.',
  ImageSidesTooSmall: 'The image dimension(s) do not conform to allowed dimensions. The image is too small: {width}×{height} pixels; each side must be {min} to {max} pixels.',
  ImageAspectTooWide: 'The image is invalid. Check S3 path and/or image properties. The aspect ratio is {aspect}:1 ({width}×{height} pixels); the maximum is {max}:1.',
  ImageOverDownscaleLimit: 'The image dimension(s) do not conform to allowed dimensions. The image is too large: {width}×{height} pixels ({megapixels} MP) is more than the {max} MP Loupe downscales.',
  ImageOverDecodeLimit: 'The image dimension(s) do not conform to allowed dimensions. The image is too large: {width}×{height} pixels is more than the {max} pixels Loupe decodes.',
  ImageDimensionTooManyPixels: 'The image dimension(s) do not conform to allowed dimensions. The image is too large: {detail}',
  SignInToContinue: 'Sign in to continue.',
  SessionEnded: 'The session has ended. Sign in again.',
  NoSessionTokenReturned: 'The server did not return a session token.',
  ResponseNotJson: 'The server answered {status} with a body that is not JSON.',
  UploadNoFolder: 'The upload did not say where the files went.',
  FileLocationUnknown: "Loupe couldn't find where {file} is stored.",
  NothingToUpload: 'There is nothing to upload in {name}.',
  NoImagesToImport: 'There are no PNG or JPEG images to import.',
  ServerUnreachable: 'The request failed: {reason}',
  FileNotJson: 'is not valid JSON.',
  FileNotJsonAt: 'is not valid JSON (at character {at}).',
  CocoNoImages: 'has no "images" array, so it is not a COCO annotation file.',
  CocoNotArray: 'has a "{key}" that is not an array.',
  VocNotXml: 'is not well-formed XML: {cause}.',
  VocWrongRoot: 'has the root element <{root}>, not <annotation>, so it is not a Pascal VOC file.',
  FolderUnreadable: 'cannot be read as a folder ({cause}).',
  YoloNoClassNames: 'declares no class names.',
  YoloNoNamesKey: 'has no top-level "names:" key.',
  YoloNamesNotClosed: 'has a "names:" list that is never closed.',
  YoloNamesNotList: 'has a "names:" value that is not a list or a map.',
  YoloNamesMixed: 'mixes a list and a map under "names:".',
  YoloClassKeyNotIndex: 'has the class key "{key}", which is not an index.',
  YoloClassUnnamed: 'has no name for class {index}.',
  CsvNoImageColumn: 'names no image file in its first column, so it is not an image,label CSV.',
  CsvNeedsImageLabels: 'needs "image" and "labels" columns; its header is "{header}".',
  CsvNeedsBoxColumns: 'needs filename, class, xmin, ymin, xmax and ymax columns; its header is "{header}".',
  FileEmpty: 'is empty.',
  ManifestUnreadable: 'The manifest file extension or contents are invalid.',
  ManifestEmpty: 'The manifest file is empty.',
  ManifestTooBig: 'The manifest file size exceeds the maximum supported size.',
  ManifestTooManyRows: 'The manifest file has too many rows.',
  ManifestNoPermission: 'The S3 bucket permissions are incorrect.',
  ManifestTooManyErrors: 'The manifest file has too many terminal errors.',
  ManifestTooFewToDistribute: "The manifest file doesn't have enough labeled images to distribute the dataset.",
  /** Worded from ImportCounts by `describeImport`. */
  ImportSummary: '{written} images added or updated.',
} as const;

export type MessageCode = keyof typeof MESSAGES;

export type MessageParams = Record<string, string | number>;

/** A sentence by code and parameters, as it crosses the transports. */
export interface MessageRef {
  Code: MessageCode;
  Params?: MessageParams;
}

export function isMessageCode(value: string): value is MessageCode {
  return Object.prototype.hasOwnProperty.call(MESSAGES, value);
}

/**
 * The code of a sentence without parameters, from its English (a StatusMessage the service's
 * shapes carry as text only), or undefined.
 */
export function codeOfMessage(english: string): MessageCode | undefined {
  return (Object.keys(MESSAGES) as MessageCode[]).find((code) => !MESSAGES[code].includes('{') && MESSAGES[code] === english);
}

/**
 * The code and parameters of one of Loupe's sentences, from its English: the service's shapes
 * carry a StatusMessage as text only, and the UI words it in the user's language from these. A
 * template that is little more than its parameters (`{reason}`) is never guessed from.
 */
export function parseMessage(english: string): MessageRef | undefined {
  const exact = codeOfMessage(english);
  if (exact) return { Code: exact };
  const counts = parseImportSummary(english);
  if (counts) return { Code: 'ImportSummary', Params: { ...counts } };
  for (const { code, names, pattern } of templatePatterns()) {
    const match = pattern.exec(english);
    if (match) return { Code: code, Params: Object.fromEntries(names.map((name, i) => [name, match[i + 1]!])) };
  }
  return undefined;
}

let patterns: { code: MessageCode; names: string[]; pattern: RegExp }[] | undefined;

function templatePatterns(): NonNullable<typeof patterns> {
  patterns ??= (Object.keys(MESSAGES) as MessageCode[]).flatMap((code) => {
    const template: string = MESSAGES[code];
    const names = [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
    if (code === 'ImportSummary' || names.length === 0 || template.replace(/\{\w+\}/g, '').trim().length < 12) return [];
    const literal = template.split(/\{\w+\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    return [{ code, names, pattern: new RegExp(`^${literal.join('(.+?)')}$`, 's') }];
  });
  return patterns;
}

/** The counts behind a describeImport sentence, or undefined. */
function parseImportSummary(english: string): ImportCounts | undefined {
  const match = /^(\d+) images? added or updated(?:, (\d+) with an invalid image)?(?:, (\d+) left out \((.*?)\))?(?:, (\d+) files? skipped: not (?:an image|images) \((.*)\))?\.$/s.exec(english);
  if (!match) return undefined;
  const [, written, invalid, dropped, firstDropped, skipped, skippedKinds] = match;
  return {
    written: Number(written),
    invalid: Number(invalid ?? 0),
    dropped: Number(dropped ?? 0),
    firstDropped: firstDropped ?? '',
    skipped: Number(skipped ?? 0),
    skippedKinds: skippedKinds ?? '',
  };
}

/** The English sentence of `code` with its parameters filled in. */
export function formatMessage(code: MessageCode, params: MessageParams = {}): string {
  if (code === 'ImportSummary') return describeImport(params as unknown as ImportCounts);
  return MESSAGES[code].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/**
 * What an import did, in numbers, for its one-line summary: the renderer words it from these
 * (`ImportSummary`), the API says it in English (`describeImport`).
 */
export interface ImportCounts {
  written: number;
  invalid: number;
  dropped: number;
  /** Files skipped because they are not images Loupe imports (text, PDF, RAW…). */
  skipped: number;
  /** Their kinds by extension, most frequent first: ".txt, .pdf". */
  skippedKinds: string;
  /** The first left-out lines with their codes, for where to look. */
  firstDropped: string;
}

export function describeImport(counts: ImportCounts): string {
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const parts = [`${plural(counts.written, 'image', 'images')} added or updated`];
  if (counts.invalid > 0) parts.push(`${counts.invalid} with an invalid image`);
  if (counts.dropped > 0) parts.push(`${counts.dropped} left out (${counts.firstDropped})`);
  if (counts.skipped > 0) parts.push(`${plural(counts.skipped, 'file', 'files')} skipped: ${counts.skipped === 1 ? 'not an image' : 'not images'} (${counts.skippedKinds})`);
  return `${parts.join(', ')}.`;
}
