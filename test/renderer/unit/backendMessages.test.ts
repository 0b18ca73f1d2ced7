/**
 * Every coded backend sentence (preload/contract/messages.ts) has words in both locales, the
 * English the same as the API's, and the Korean using the same parameters (issue 15).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { codeOfMessage, describeImport, formatMessage, MESSAGES, parseMessage, type MessageCode } from '../../../preload/contract/messages';
import { STATUS_MESSAGES } from '../../../main/training';
import { CONTENT_ERRORS } from '../../../main/training/validation';
import { codedApiError, networkError, statusError } from '../../../renderer/api/ApiError';
import { DATASET_FILE_MESSAGES } from '../../../main/datasets/ingest';
import { DATASET_FILE_CODES, type DatasetFileCode } from '../../../preload/contract/codes';

const locale = (language: string) =>
  (JSON.parse(readFileSync(join(import.meta.dirname, '../../../renderer/app/locales', `${language}.json`), 'utf8')) as { backend: Record<string, unknown> }).backend;
const en = locale('en');
const ko = locale('ko');
const params = (template: string) => [...template.matchAll(/\{\{?(\w+)\}?\}/g)].map((match) => match[1]).sort();
const codes = (Object.keys(MESSAGES) as MessageCode[]).filter((code) => code !== 'ImportSummary');

describe('backend sentences by code', () => {
  it('are worded in English as the API words them, and in Korean with the same parameters', () => {
    for (const code of codes) {
      assert.equal(typeof en[code], 'string', `en backend.${code}`);
      assert.equal(typeof ko[code], 'string', `ko backend.${code}`);
      assert.equal((en[code] as string).replace(/\{\{(\w+)\}\}/g, '{$1}'), MESSAGES[code], `en backend.${code}`);
      assert.deepEqual(params(ko[code] as string), params(MESSAGES[code]), `ko backend.${code}`);
    }
  });

  it('name the fixed status messages of a training, so the UI can word them', () => {
    assert.equal(codeOfMessage(STATUS_MESSAGES.completed), 'ModelTrained');
    assert.equal(codeOfMessage(STATUS_MESSAGES.inProgress), 'ModelTraining');
    assert.equal(codeOfMessage(STATUS_MESSAGES.interrupted), 'TrainingInterrupted');
    assert.equal(codeOfMessage('There is no folder at {path}.'), undefined, 'a sentence with parameters is not matched by its template');
    assert.equal(codeOfMessage('Something else.'), undefined);
  });

  it('fill in their parameters, and the import summary says only what happened', () => {
    assert.equal(formatMessage('NoFolderAt', { path: '/data/parts' }), 'There is no folder at /data/parts.');
    assert.equal(formatMessage('NotAbsolutePath', { field: 'Folder' }), 'Folder must be an absolute path: {path}');
    const counts = { written: 1, invalid: 0, dropped: 0, skipped: 0, skippedKinds: '', firstDropped: '' };
    assert.equal(describeImport(counts), '1 image added or updated.');
    assert.equal(
      formatMessage('ImportSummary', { ...counts, written: 3, invalid: 1, skipped: 2, skippedKinds: '.txt ×2' }),
      '3 images added or updated, 1 with an invalid image, 2 files skipped: not images (.txt ×2).',
    );
  });

  it('issue 15: are read back from a StatusMessage (text only in the service’s shapes), parameters and import summaries too', () => {
    assert.deepEqual(parseMessage(CONTENT_ERRORS.ERROR_MANIFEST_TOO_FEW_LABELS), { Code: 'TooFewLabels' });
    assert.deepEqual(parseMessage(formatMessage('TooFewNormalImages', { count: 1 })), { Code: 'TooFewNormalImages', Params: { count: '1' } });
    assert.deepEqual(parseMessage(formatMessage('NoFolderAt', { path: '/data/a b.' })), { Code: 'NoFolderAt', Params: { path: '/data/a b.' } });
    const counts = { written: 3, invalid: 1, dropped: 2, firstDropped: 'a.json line 2: ERROR_X; b: ERROR_Y', skipped: 2, skippedKinds: '.txt ×2' };
    assert.deepEqual(parseMessage(describeImport(counts)), { Code: 'ImportSummary', Params: counts });
    assert.deepEqual(parseMessage('1 image added or updated.'), { Code: 'ImportSummary', Params: { written: 1, invalid: 0, dropped: 0, firstDropped: '', skipped: 0, skippedKinds: '' } });
    // The guide's image-limit sentences: the one with sides is not taken for the looser pixel-count one.
    const sides = formatMessage('ImageSidesTooLarge', { width: 4097, height: 300, min: 64, max: 4096 });
    assert.deepEqual(parseMessage(sides), { Code: 'ImageSidesTooLarge', Params: { width: '4097', height: '300', min: '64', max: '4096' } });
    assert.deepEqual(parseMessage(formatMessage('ImageDimensionTooManyPixels', { detail: '20000×20000 pixels is more than the 67108864 pixels Loupe decodes.' })), {
      Code: 'ImageOverDecodeLimit',
      Params: { width: '20000', height: '20000', max: '67108864' },
    });
    assert.equal(parseMessage(formatMessage('ImageDimensionTooManyPixels', { detail: 'something else.' }))?.Code, 'ImageDimensionTooManyPixels');
    // A sentence that is only its parameter ('{reason}') is never guessed; other text is left alone.
    assert.equal(parseMessage('Something else happened.'), undefined);
  });

  it('issue 15: the web UI’s own errors are coded sentences too, and a failed dataset’s StatusMessage is read back to its code', () => {
    const ended = codedApiError('AccessDeniedException', 'SessionEnded');
    assert.deepEqual([ended.code, ended.message, ended.messageCode], ['AccessDeniedException', 'The session has ended. Sign in again.', 'SessionEnded']);
    const offline = networkError(new TypeError('Failed to fetch'));
    assert.deepEqual([offline.code, offline.messageCode, offline.messageParams], ['NetworkError', 'ServerUnreachable', { reason: 'Failed to fetch' }]);
    const failed = statusError(formatMessage('NoFolderAt', { path: '/data/x' }));
    assert.deepEqual([failed.messageCode, failed.messageParams], ['NoFolderAt', { path: '/data/x' }]);
    assert.equal(statusError('Something else.').messageCode, undefined);
  });

  it('issue 15: each of the guide’s dataset-file sentences has a code with the same English, for the UI to word a manifest’s refusal', () => {
    for (const [fileCode, sentence] of Object.entries(DATASET_FILE_CODES)) {
      assert.equal(formatMessage(DATASET_FILE_MESSAGES[fileCode as DatasetFileCode]), sentence, fileCode);
    }
  });
});
