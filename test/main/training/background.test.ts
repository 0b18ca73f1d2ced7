/**
 * Images a person annotated as holding no object (an empty, human-annotated bounding-box attribute,
 * as COCO background images import): the manifest summary counts them as ignored, as the service
 * does, while a detector trains and is tested on them with no boxes; an image nobody labeled stays
 * out, and a classifier never sees either.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EntryDraft } from '../../../main/db/entry';
import type { StoredEntry } from '../../../main/db/queries';
import { planTraining } from '../../../main/training/validation';

const box = (name: string) => ({ name, left: 4, top: 4, width: 20, height: 20, attribute: 'bounding-box' });
const NO_OBJECTS: EntryDraft['errors'] = [
  { level: 'label_attribute', code: 'WARNING_NO_ATTRIBUTE_ANNOTATIONS', message: 'No attribute annotations were found.', attribute: 'bounding-box' },
  { level: 'image', code: 'WARNING_NO_ANNOTATIONS', message: 'No annotations were found.' },
];

function entry(id: number, draft: Partial<EntryDraft>): StoredEntry {
  return {
    id,
    sourceRef: `/images/${id}.jpg`,
    path: `/images/${id}.jpg`,
    contentHash: `hash-${String(id).padStart(4, '0')}`,
    width: 64,
    height: 64,
    draft: { sourceRef: `/images/${id}.jpg`, labels: [], boxes: [], errors: [], ...draft },
  } as unknown as StoredEntry;
}

describe('images annotated as holding no object', () => {
  const withObjects = Array.from({ length: 10 }, (_, k) => entry(k + 1, { boxes: [box(k % 2 === 0 ? 'pit' : 'scratch')] }));
  const background = Array.from({ length: 10 }, (_, k) => entry(100 + k, { errors: NO_OBJECTS }));
  const unlabeled = [entry(200, {}), entry(201, {})];

  it('train and test a detector as images with no boxes, counted as ignored in the summary', () => {
    const plan = planTraining([...withObjects, ...background, ...unlabeled], undefined, 'seed');
    assert.equal(plan.failed, false);
    assert.equal(plan.useCase, 'OBJECT_LOCALIZATION');
    const all = [...plan.train, ...plan.test];
    const ids = new Set(all.map((s) => s.entryId));
    assert.ok(background.every((e) => ids.has(e.id)), 'every background image is used');
    assert.ok(!ids.has(200) && !ids.has(201), 'unlabeled images are not');
    for (const sample of all.filter((s) => s.entryId >= 100)) assert.deepEqual([sample.labels, sample.boxes], [[], []]);
    assert.ok(plan.test.some((s) => s.boxes.length === 0) && plan.train.some((s) => s.boxes.length === 0), 'on both sides of the split');
    assert.deepEqual(plan.labels, ['pit', 'scratch']);
    const { training, testing } = plan.summary.statistics;
    assert.equal(training.ignored_json_lines + testing.ignored_json_lines, 12);
    assert.equal(training.valid_json_lines + testing.valid_json_lines, 10);
  });

  it('are left out of a classifier', () => {
    const labeled = Array.from({ length: 10 }, (_, k) => entry(k + 1, { labels: [{ name: k % 2 === 0 ? 'good' : 'bad', attribute: 'class' }] }));
    const plan = planTraining([...labeled, ...background], undefined, 'seed');
    assert.equal(plan.useCase, 'IMAGE_LEVEL_LABELS');
    assert.equal([...plan.train, ...plan.test].filter((s) => s.entryId >= 100).length, 0);
  });
});
