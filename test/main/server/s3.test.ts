/**
 * The S3 REST API for mapped buckets, driven by the real AWS SDK v3 S3 client: path-style and
 * virtual-hosted-style, single and multipart uploads, listing, ranges, copies, deletes, and the
 * errors S3 clients understand.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, existsSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketAclCommand,
  GetObjectAclCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { localKeys, s3Client, startHarness, type Harness } from './harness';

async function rejectionOf(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  assert.fail('expected the call to fail');
}

async function bytesOf(client: S3Client, bucket: string, key: string, range?: string): Promise<Buffer> {
  const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...(range ? { Range: range } : {}) }));
  return Buffer.from(await object.Body!.transformToByteArray());
}

function md5(bytes: Buffer): string {
  return createHash('md5').update(bytes).digest('hex');
}

for (const style of ['path-style', 'virtual-hosted-style'] as const) {
  describe(`S3 on mapped buckets (${style}, AWS SDK v3)`, () => {
    let harness: Harness;
    let client: S3Client;
    let folder: string;

    before(async () => {
      harness = await startHarness();
      folder = join(harness.home, 'photos');
      mkdirSync(folder);
      const mapped = await harness.loupe.invoke('CreateBucketMapping', { Bucket: 'photos', Folder: folder });
      assert.ok(mapped.ok);
      client = s3Client(harness, { virtualHosted: style === 'virtual-hosted-style' });
    });

    after(async () => {
      client.destroy();
      await harness.close();
    });

    it('lists the mapped buckets and answers HeadBucket', async () => {
      const listed = await client.send(new ListBucketsCommand({}));
      assert.deepEqual(listed.Buckets?.map((bucket) => bucket.Name).sort(), ['loupe-output', 'photos']);
      const head = await client.send(new HeadBucketCommand({ Bucket: 'photos' }));
      assert.equal(head.$metadata.httpStatusCode, 200);
      const missing = await rejectionOf(client.send(new HeadBucketCommand({ Bucket: 'not-mapped' })));
      assert.equal(missing.$metadata?.httpStatusCode, 404);
    });

    it('answers GetBucketAcl and GetObjectAcl: every bucket and object has the owner ListBuckets names, with full control', async () => {
      const { Owner } = await client.send(new ListBucketsCommand({}));
      assert.ok(Owner?.ID);
      for (const bucket of ['photos', 'loupe-output']) {
        const acl = await client.send(new GetBucketAclCommand({ Bucket: bucket }));
        assert.deepEqual(acl.Owner, Owner);
        assert.deepEqual(acl.Grants, [{ Grantee: { Type: 'CanonicalUser', ID: Owner.ID, DisplayName: Owner.DisplayName }, Permission: 'FULL_CONTROL' }]);
      }
      await client.send(new PutObjectCommand({ Bucket: 'photos', Key: 'acl/one.txt', Body: 'one' }));
      const objectAcl = await client.send(new GetObjectAclCommand({ Bucket: 'photos', Key: 'acl/one.txt' }));
      assert.deepEqual(objectAcl.Owner, Owner);
      assert.equal(objectAcl.Grants?.[0]?.Permission, 'FULL_CONTROL');
      const missing = await rejectionOf(client.send(new GetObjectAclCommand({ Bucket: 'photos', Key: 'acl/none.txt' })));
      assert.equal(missing.name, 'NoSuchKey');
      const unmapped = await rejectionOf(client.send(new GetBucketAclCommand({ Bucket: 'not-mapped' })));
      assert.equal(unmapped.name, 'NoSuchBucket');
    });

    it('puts objects, reads them back byte-identical, with ETag, Content-Type and Last-Modified', async () => {
      const bytes = randomBytes(70_000);
      const put = await client.send(new PutObjectCommand({ Bucket: 'photos', Key: 'cats/tabby 1.jpg', Body: bytes }));
      assert.equal(put.ETag, `"${md5(bytes)}"`);
      assert.deepEqual(readFileSync(join(folder, 'cats', 'tabby 1.jpg')), bytes);
      const object = await client.send(new GetObjectCommand({ Bucket: 'photos', Key: 'cats/tabby 1.jpg' }));
      assert.equal(object.ContentType, 'image/jpeg');
      assert.equal(object.ETag, put.ETag);
      assert.equal(object.ContentLength, bytes.length);
      assert.ok(object.LastModified instanceof Date && Math.abs(object.LastModified.getTime() - Date.now()) < 60_000);
      assert.deepEqual(Buffer.from(await object.Body!.transformToByteArray()), bytes);
      const head = await client.send(new HeadObjectCommand({ Bucket: 'photos', Key: 'cats/tabby 1.jpg' }));
      assert.equal(head.ContentLength, bytes.length);
      assert.equal(head.ETag, put.ETag);
      assert.deepEqual(await bytesOf(client, 'photos', 'cats/tabby 1.jpg', 'bytes=100-199'), bytes.subarray(100, 200));
      assert.deepEqual(await bytesOf(client, 'photos', 'cats/tabby 1.jpg', 'bytes=-10'), bytes.subarray(bytes.length - 10));
      const beyond = await rejectionOf(bytesOf(client, 'photos', 'cats/tabby 1.jpg', `bytes=${bytes.length}-`));
      assert.equal(beyond.name, 'InvalidRange');
      assert.equal(beyond.$metadata?.httpStatusCode, 416);
    });

    it('uploads a streamed body (aws-chunked with a trailing checksum)', async () => {
      const bytes = randomBytes(200_000);
      const { Readable } = await import('node:stream');
      const put = await client.send(
        new PutObjectCommand({ Bucket: 'photos', Key: 'streamed.bin', Body: Readable.from([bytes.subarray(0, 90_000), bytes.subarray(90_000)]), ContentLength: bytes.length, ChecksumAlgorithm: 'CRC32' }),
      );
      assert.equal(put.ETag, `"${md5(bytes)}"`);
      assert.deepEqual(readFileSync(join(folder, 'streamed.bin')), bytes);
    });

    it('lists with prefix, delimiter and continuation', async () => {
      for (const key of ['list/a.txt', 'list/b.txt', 'list/sub/c.txt', 'list/sub/deeper/d.txt', 'list/z.txt']) {
        await client.send(new PutObjectCommand({ Bucket: 'photos', Key: key, Body: key }));
      }
      const all = await client.send(new ListObjectsV2Command({ Bucket: 'photos', Prefix: 'list/' }));
      assert.deepEqual(all.Contents?.map((object) => object.Key), ['list/a.txt', 'list/b.txt', 'list/sub/c.txt', 'list/sub/deeper/d.txt', 'list/z.txt']);
      assert.equal(all.Contents?.[0]?.Size, 'list/a.txt'.length);
      assert.equal(all.Contents?.[0]?.ETag, `"${md5(Buffer.from('list/a.txt'))}"`);
      const level = await client.send(new ListObjectsV2Command({ Bucket: 'photos', Prefix: 'list/', Delimiter: '/' }));
      assert.deepEqual(level.Contents?.map((object) => object.Key), ['list/a.txt', 'list/b.txt', 'list/z.txt']);
      assert.deepEqual(level.CommonPrefixes?.map((common) => common.Prefix), ['list/sub/']);
      const keys: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: 'photos', Prefix: 'list/', MaxKeys: 2, ContinuationToken: token }));
        keys.push(...(page.Contents ?? []).map((object) => object.Key!));
        token = page.NextContinuationToken;
        assert.equal(page.IsTruncated, token !== undefined);
        pages++;
      } while (token);
      assert.equal(pages, 3);
      assert.deepEqual(keys, all.Contents?.map((object) => object.Key));
    });

    it('uploads in parts and joins them, with the multipart ETag', async () => {
      const part1 = randomBytes(5 * 1024 * 1024);
      const part2 = randomBytes(1234);
      const created = await client.send(new CreateMultipartUploadCommand({ Bucket: 'photos', Key: 'big/archive.bin' }));
      const uploadId = created.UploadId!;
      const p1 = await client.send(new UploadPartCommand({ Bucket: 'photos', Key: 'big/archive.bin', UploadId: uploadId, PartNumber: 1, Body: part1 }));
      const p2 = await client.send(new UploadPartCommand({ Bucket: 'photos', Key: 'big/archive.bin', UploadId: uploadId, PartNumber: 2, Body: part2 }));
      assert.equal(existsSync(join(folder, 'big', 'archive.bin')), false, 'no object before completion');
      const done = await client.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'photos',
          Key: 'big/archive.bin',
          UploadId: uploadId,
          MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag }, { PartNumber: 2, ETag: p2.ETag }] },
        }),
      );
      const expected = createHash('md5').update(Buffer.concat([Buffer.from(md5(part1), 'hex'), Buffer.from(md5(part2), 'hex')])).digest('hex');
      assert.equal(done.ETag, `"${expected}-2"`);
      assert.deepEqual(readFileSync(join(folder, 'big', 'archive.bin')), Buffer.concat([part1, part2]));
      assert.deepEqual(readdirSync(join(folder, 'big')), ['archive.bin'], 'no temporary file is left');

      const aborted = await client.send(new CreateMultipartUploadCommand({ Bucket: 'photos', Key: 'big/never.bin' }));
      await client.send(new UploadPartCommand({ Bucket: 'photos', Key: 'big/never.bin', UploadId: aborted.UploadId, PartNumber: 1, Body: part2 }));
      await client.send(new AbortMultipartUploadCommand({ Bucket: 'photos', Key: 'big/never.bin', UploadId: aborted.UploadId }));
      assert.equal(existsSync(join(folder, 'big', 'never.bin')), false);
      const gone = await rejectionOf(
        client.send(new UploadPartCommand({ Bucket: 'photos', Key: 'big/never.bin', UploadId: aborted.UploadId, PartNumber: 2, Body: part2 })),
      );
      assert.equal(gone.name, 'NoSuchUpload');

      const small = await client.send(new CreateMultipartUploadCommand({ Bucket: 'photos', Key: 'big/small.bin' }));
      const s1 = await client.send(new UploadPartCommand({ Bucket: 'photos', Key: 'big/small.bin', UploadId: small.UploadId, PartNumber: 1, Body: part2 }));
      const s2 = await client.send(new UploadPartCommand({ Bucket: 'photos', Key: 'big/small.bin', UploadId: small.UploadId, PartNumber: 2, Body: part2 }));
      const tooSmall = await rejectionOf(
        client.send(
          new CompleteMultipartUploadCommand({
            Bucket: 'photos',
            Key: 'big/small.bin',
            UploadId: small.UploadId,
            MultipartUpload: { Parts: [{ PartNumber: 1, ETag: s1.ETag }, { PartNumber: 2, ETag: s2.ETag }] },
          }),
        ),
      );
      assert.equal(tooSmall.name, 'EntityTooSmall');
    });

    it('copies and deletes objects, one or many', async () => {
      await client.send(new PutObjectCommand({ Bucket: 'photos', Key: 'copy/source.txt', Body: 'hello' }));
      const copied = await client.send(new CopyObjectCommand({ Bucket: 'photos', Key: 'copy/target one.txt', CopySource: 'photos/copy/source.txt' }));
      assert.equal(copied.CopyObjectResult?.ETag, `"${md5(Buffer.from('hello'))}"`);
      assert.equal(readFileSync(join(folder, 'copy', 'target one.txt'), 'utf8'), 'hello');
      await client.send(new DeleteObjectCommand({ Bucket: 'photos', Key: 'copy/source.txt' }));
      assert.equal(existsSync(join(folder, 'copy', 'source.txt')), false);
      await client.send(new DeleteObjectCommand({ Bucket: 'photos', Key: 'copy/source.txt' }));
      const many = await client.send(
        new DeleteObjectsCommand({ Bucket: 'photos', Delete: { Objects: [{ Key: 'copy/target one.txt' }, { Key: 'copy/../../escape' }] } }),
      );
      assert.deepEqual(many.Deleted?.map((deleted) => deleted.Key), ['copy/target one.txt']);
      assert.equal(many.Errors?.[0]?.Code, 'AccessDenied');
      assert.equal(existsSync(join(folder, 'copy', 'target one.txt')), false);
    });

    it('answers S3 errors: NoSuchKey, NoSuchBucket, read-only output, bad keys', async () => {
      const noKey = await rejectionOf(client.send(new GetObjectCommand({ Bucket: 'photos', Key: 'nothing-here.jpg' })));
      assert.equal(noKey.name, 'NoSuchKey');
      assert.equal(noKey.$metadata?.httpStatusCode, 404);
      const noBucket = await rejectionOf(client.send(new GetObjectCommand({ Bucket: 'elsewhere', Key: 'a.jpg' })));
      assert.equal(noBucket.name, 'NoSuchBucket');
      // Loupe's own output bucket: readable (training writes there), never written through S3.
      mkdirSync(join(harness.home, 'output', 'p', 'v1'), { recursive: true });
      writeFileSync(join(harness.home, 'output', 'p', 'v1', 'manifest_summary.json'), '{"errors":[]}');
      assert.equal(await (await client.send(new GetObjectCommand({ Bucket: 'loupe-output', Key: 'p/v1/manifest_summary.json' }))).Body!.transformToString(), '{"errors":[]}');
      const readOnly = await rejectionOf(client.send(new PutObjectCommand({ Bucket: 'loupe-output', Key: 'x.txt', Body: 'x' })));
      assert.equal(readOnly.name, 'AccessDenied');
      assert.equal(readOnly.$metadata?.httpStatusCode, 403);
      const wrongSecret = s3Client(harness, {
        virtualHosted: style === 'virtual-hosted-style',
        keys: { ...localKeys(harness), secretAccessKey: 'not-the-secret' },
      });
      const denied = await rejectionOf(wrongSecret.send(new ListObjectsV2Command({ Bucket: 'photos' })));
      assert.equal(denied.name, 'SignatureDoesNotMatch');
      assert.equal(denied.$metadata?.httpStatusCode, 403);
      wrongSecret.destroy();
    });

    it('keeps keys inside the mapped folder', async () => {
      const outside = join(harness.home, 'outside');
      mkdirSync(outside, { recursive: true });
      writeFileSync(join(outside, 'secret.txt'), 'secret');
      symlinkSync(outside, join(folder, 'link-out'));
      for (const key of ['../outside/secret.txt', 'a/../../outside/secret.txt', 'link-out/secret.txt', '/etc/passwd']) {
        const read = await rejectionOf(client.send(new GetObjectCommand({ Bucket: 'photos', Key: key })));
        assert.ok(['AccessDenied', 'NoSuchKey'].includes(read.name), `${key}: ${read.name}`);
        const write = await rejectionOf(client.send(new PutObjectCommand({ Bucket: 'photos', Key: key, Body: 'pwned' })));
        assert.ok(['AccessDenied', 'NoSuchKey'].includes(write.name), `${key}: ${write.name}`);
      }
      assert.equal(readFileSync(join(outside, 'secret.txt'), 'utf8'), 'secret');
      assert.deepEqual(readdirSync(outside), ['secret.txt']);
      const listed = await client.send(new ListObjectsV2Command({ Bucket: 'photos', Prefix: 'link-out' }));
      assert.equal(listed.KeyCount, 0);
    });
  });
}
