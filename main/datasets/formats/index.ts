/**
 * Converters between other annotation formats and entries: COCO JSON, Pascal VOC XML, YOLO TXT
 * and CSV. Importers never throw on a bad record (it becomes a problem in the import report) and
 * throw FormatFileError only when a whole file cannot be read as its format. Exporters return
 * file contents; the caller writes them.
 */
export {
  BOX_ATTRIBUTE,
  FORMAT_PROBLEM_CODES,
  FormatFileError,
  type ExportSkip,
  type FormatImport,
  type FormatProblemCode,
  type ImportMetaOptions,
  type ImportProblem,
} from './shared';
export { parseCoco, toCoco, type CocoExportOptions, type CocoImportOptions } from './coco';
export {
  parseVoc,
  parseVocFolder,
  toVoc,
  VOC_IMAGE_EXTENSIONS,
  type VocExportOptions,
  type VocFolderOptions,
  type VocImportOptions,
} from './voc';
export {
  parseYolo,
  parseYoloLabels,
  readYoloClassNames,
  toYolo,
  type YoloExport,
  type YoloExportOptions,
  type YoloImportOptions,
  type YoloLabelsOptions,
} from './yolo';
export {
  csvField,
  parseBoxCsv,
  parseCsv,
  parseLabelListCsv,
  readCsvRecords,
  toCsv,
  type BoxCsvOptions,
  type CsvExportOptions,
  type CsvImportOptions,
  type CsvRecord,
  type LabelListCsvOptions,
  type LabelListImport,
} from './csv';
