/**
 * The guide's validation codes and their messages, word for word where the guide gives them
 * (guide-notes-1 §5.2–5.5, guide-notes-2 §1.7–1.9). Entry errors are stored with these codes;
 * dataset status messages use the file-error messages.
 */

/** Non-terminal JSON-line errors and warnings: stored on the entry, listed by ListDatasetEntries. */
export const ENTRY_CODES = {
  ERROR_MISSING_SOURCE_REF: 'The source-ref key is missing.',
  ERROR_INVALID_SOURCE_REF_FORMAT: 'The format of the source-ref value is invalid.',
  ERROR_NO_LABEL_ATTRIBUTES: 'No label attributes found.',
  ERROR_INVALID_LABEL_ATTRIBUTE_FORMAT: 'The format of the label attribute {} is invalid.',
  ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT: 'The format of the label attribute metadata is invalid.',
  ERROR_NO_VALID_LABEL_ATTRIBUTES: 'No valid label attributes found.',
  ERROR_MISSING_BOUNDING_BOX_CONFIDENCE: 'One or more bounding boxes has a missing confidence value.',
  ERROR_MISSING_CLASS_MAP_ID: 'One or more class ids is missing from the class map.',
  ERROR_INVALID_JSON_LINE: 'The JSON line has an invalid format.',
  ERROR_INVALID_IMAGE: 'The image is invalid. Check S3 path and/or image properties.',
  ERROR_INVALID_IMAGE_DIMENSION: 'The image dimension(s) do not conform to allowed dimensions.',
  ERROR_INVALID_BOUNDING_BOX: 'The bounding box has off frame values.',
  ERROR_NO_VALID_ANNOTATIONS: 'No valid annotations found.',
  ERROR_BOUNDING_BOX_TOO_SMALL: 'The height and width of the bounding box is too small.',
  ERROR_TOO_MANY_BOUNDING_BOXES: 'There are more bounding boxes than the allowed maximum.',
  ERROR_UNSUPPORTED_USE_CASE_TYPE:
    'The use case type of the {} label attribute metadata is unsupported. Check the type field.',
  ERROR_INVALID_LABEL_NAME_LENGTH: 'The label name is longer than 256 characters.',
  WARNING_UNANNOTATED_RECORD: 'Record is unannotated.',
  WARNING_NO_ANNOTATIONS: 'No annotations were found.',
  WARNING_NO_ATTRIBUTE_ANNOTATIONS: 'No attribute annotations were found.',
} as const;

export type EntryCode = keyof typeof ENTRY_CODES;

export function entryMessage(code: EntryCode, detail?: string): string {
  const template: string = ENTRY_CODES[code];
  return detail === undefined ? template.replace(' {} ', ' ') : template.replace('{}', detail);
}

export function isWarning(code: string): boolean {
  return code.startsWith('WARNING_');
}

/**
 * Terminal errors of a dataset create or update: they end in CREATE_FAILED / UPDATE_FAILED with
 * the code and message as StatusMessage (L4520–4636).
 */
export const DATASET_FILE_CODES = {
  ERROR_MANIFEST_INACCESSIBLE_OR_UNSUPPORTED_FORMAT: 'The manifest file extension or contents are invalid.',
  ERROR_MANIFEST_EMPTY: 'The manifest file is empty.',
  ERROR_MANIFEST_SIZE_TOO_LARGE: 'The manifest file size exceeds the maximum supported size.',
  ERROR_MANIFEST_ROWS_EXCEEDS_MAXIMUM: 'The manifest file has too many rows.',
  ERROR_INVALID_PERMISSIONS_MANIFEST_S3_BUCKET: 'The S3 bucket permissions are incorrect.',
  ERROR_TOO_MANY_RECORDS_IN_ERROR: 'The manifest file has too many terminal errors.',
  ERROR_MANIFEST_TOO_MANY_LABELS: 'The manifest file has too many labels.',
  ERROR_INSUFFICIENT_IMAGES_PER_LABEL_FOR_DISTRIBUTE:
    "The manifest file doesn't have enough labeled images to distribute the dataset.",
} as const;

export type DatasetFileCode = keyof typeof DATASET_FILE_CODES;

/**
 * Terminal content errors of one line (L4638–4648): the line is left out of the dataset and named
 * in the import report. The service reports them nowhere; Loupe tells the user which line and why.
 */
export const LINE_DROP_CODES = {
  ERROR_JSON_LINE_TOO_LONG: 'The JSON line is longer than 100,000 characters.',
  ERROR_MISSING_SOURCE_REF: ENTRY_CODES.ERROR_MISSING_SOURCE_REF,
  ERROR_INVALID_SOURCE_REF_FORMAT: ENTRY_CODES.ERROR_INVALID_SOURCE_REF_FORMAT,
  ERROR_INVALID_JSON_LINE: ENTRY_CODES.ERROR_INVALID_JSON_LINE,
  ERROR_DUPLICATE_SOURCE_REF: 'The source-ref value appears more than once; an image may be in a dataset only once.',
} as const;

export type LineDropCode = keyof typeof LINE_DROP_CODES;
