import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bucketKeyOf } from '../../../renderer/features/dataset/bucketKeys';

describe('a manifest picked as a file', () => {
  const mappings = [
    { Bucket: 'shop', Folder: '/data/shop' },
    { Bucket: 'shop-labels', Folder: '/data/shop/labels/' },
    { Bucket: 'win', Folder: 'C:\\data\\win' },
  ];

  it('is named by the bucket of the deepest mapped folder that holds it, and its key there', () => {
    assert.deepEqual(bucketKeyOf('/data/shop/train/output.manifest', mappings), { bucket: 'shop', key: 'train/output.manifest' });
    assert.deepEqual(bucketKeyOf('/data/shop/labels/output.manifest', mappings), { bucket: 'shop-labels', key: 'output.manifest' });
    assert.deepEqual(bucketKeyOf('C:\\data\\win\\a\\b.manifest', mappings), { bucket: 'win', key: 'a/b.manifest' });
  });

  it('has no bucket outside every mapped folder, or beside one with a longer name', () => {
    assert.equal(bucketKeyOf('/data/other/output.manifest', mappings), undefined);
    assert.equal(bucketKeyOf('/data/shopping/output.manifest', mappings), undefined);
  });
});
