import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { aLoupe, tempDir } from '../support/loupe';

describe('settings and credentials', () => {
  it('persists the language across restarts and rejects unknown ones', async () => {
    const home = tempDir();
    const first = aLoupe({ home });
    assert.deepEqual(await first.ok('GetSettings', {}), { Language: 'en', KioskPinSet: false });
    assert.deepEqual(await first.ok('UpdateSettings', { Language: 'ko' }), { Language: 'ko', KioskPinSet: false });
    assert.equal((await first.fails('UpdateSettings', { Language: 'fr' })).code, 'ValidationException');
    first.dispose();
    const second = aLoupe({ home });
    assert.deepEqual(await second.ok('GetSettings', {}), { Language: 'ko', KioskPinSet: false });
    second.dispose();
  });

  it('creates API credentials once, readable by the owner only, and keeps them', async () => {
    const home = tempDir();
    const first = aLoupe({ home });
    const credentials = await first.ok('GetApiCredentials', {});
    assert.match(credentials.AccessKeyId, /^[A-Z0-9]{20}$/);
    assert.ok(credentials.SecretAccessKey.length >= 40);
    if (process.platform !== 'win32') assert.equal(statSync(join(home, 'credentials.json')).mode & 0o777, 0o600);
    first.dispose();
    const second = aLoupe({ home });
    assert.deepEqual(await second.ok('GetApiCredentials', {}), credentials);
    second.dispose();
  });
});

describe('bucket mappings', () => {
  it('maps a bucket to an existing folder, lists, replaces and deletes it', async () => {
    const loupe = aLoupe();
    try {
      const folder = join(loupe.home, 'images');
      mkdirSync(folder);
      const created = await loupe.ok('CreateBucketMapping', { Bucket: 'my-bucket', Folder: folder });
      assert.equal(created.Folder, folder);
      // loupe-output is Loupe's own bucket for model versions' files, mapped at start-up.
      assert.deepEqual((await loupe.ok('ListBucketMappings', {})).BucketMappings.map((m) => m.Bucket), ['loupe-output', 'my-bucket']);
      await loupe.ok('DeleteBucketMapping', { Bucket: 'my-bucket' });
      assert.deepEqual((await loupe.ok('ListBucketMappings', {})).BucketMappings.map((m) => m.Bucket), ['loupe-output']);
      assert.equal((await loupe.fails('DeleteBucketMapping', { Bucket: 'my-bucket' })).code, 'ResourceNotFoundException');
    } finally {
      loupe.dispose();
    }
  });

  it('refuses a relative or missing folder and a bucket name S3 would refuse', async () => {
    const loupe = aLoupe();
    try {
      assert.equal((await loupe.fails('CreateBucketMapping', { Bucket: 'b-1', Folder: 'relative/path' })).code, 'InvalidParameterException');
      assert.equal(
        (await loupe.fails('CreateBucketMapping', { Bucket: 'b-1', Folder: join(loupe.home, 'missing') })).code,
        'InvalidParameterException',
      );
      assert.equal((await loupe.fails('CreateBucketMapping', { Bucket: '-bad-bucket', Folder: loupe.home })).code, 'ValidationException');
    } finally {
      loupe.dispose();
    }
  });
});

describe('issue #16: the home folder', () => {
  it('is readable by its owner only, and is tightened again at start', { skip: process.platform === 'win32' ? 'POSIX modes' : false }, async () => {
    const home = join(tempDir(), 'home');
    let loupe = aLoupe({ home });
    await loupe.ok('CreateProject', { ProjectName: 'modes' });
    loupe.close();
    const mode = (path: string) => statSync(path).mode & 0o777;
    assert.equal(mode(home), 0o700);
    for (const file of ['loupe.db', 'credentials.json', join('logs', 'loupe.log')]) assert.equal(mode(join(home, file)), 0o600, file);
    chmodSync(home, 0o755);
    chmodSync(join(home, 'loupe.db'), 0o644);
    loupe = aLoupe({ home });
    loupe.close();
    assert.equal(mode(home), 0o700);
    assert.equal(mode(join(home, 'loupe.db')), 0o600);
  });
});

describe('issue #16: the kiosk PIN', () => {
  it('is kept by the backend as a salted hash, for every window, and checked there', async () => {
    const home = tempDir();
    const loupe = aLoupe({ home });
    const changes: boolean[] = [];
    const off = loupe.ctx.events.on('SettingsChanged', (settings) => changes.push(settings.KioskPinSet));
    try {
      assert.equal((await loupe.ok('GetSettings', {})).KioskPinSet, false);
      assert.deepEqual(await loupe.ok('VerifyKioskPin', { Pin: '0000' }), { Verified: true }, 'no PIN: anyone may leave');
      assert.equal((await loupe.ok('SetKioskPin', { Pin: '2468' })).KioskPinSet, true);
      assert.deepEqual(await loupe.ok('VerifyKioskPin', { Pin: '2468' }), { Verified: true });
      assert.deepEqual(await loupe.ok('VerifyKioskPin', { Pin: '1111' }), { Verified: false, AttemptsLeft: 4 });
      const stored = JSON.stringify(loupe.ctx.db.prepare('SELECT value FROM settings').all());
      assert.doesNotMatch(stored, /2468/);
      assert.equal((await loupe.fails('SetKioskPin', { Pin: '12' })).code, 'ValidationException');
      assert.equal((await loupe.ok('SetKioskPin', {})).KioskPinSet, false);
      assert.deepEqual(await loupe.ok('VerifyKioskPin', { Pin: '1111' }), { Verified: true });
      assert.deepEqual(changes, [true, false]);
    } finally {
      off();
      loupe.close();
    }
  });

  it('locks the PIN pad after 5 wrong PINs, for twice as long each time, and a restart does not reset it', async () => {
    const home = tempDir();
    let nowMs = Date.UTC(2026, 11, 6, 8, 0, 0);
    const now = () => nowMs;
    let loupe = aLoupe({ home, now });
    await loupe.ok('SetKioskPin', { Pin: '2468' });
    for (let left = 4; left >= 1; left--) assert.deepEqual(await loupe.ok('VerifyKioskPin', { Pin: '1111' }), { Verified: false, AttemptsLeft: left });
    assert.deepEqual(await loupe.ok('VerifyKioskPin', { Pin: '1112' }), { Verified: false, AttemptsLeft: 0, RetryAfterSeconds: 30 });
    // While locked even the right PIN is refused, unchecked, with the service's throttling error.
    const locked = await loupe.fails('VerifyKioskPin', { Pin: '2468' });
    assert.equal(locked.code, 'ThrottlingException');
    assert.match(locked.message, /Too many wrong PINs.*30 seconds/);
    loupe.close();

    loupe = aLoupe({ home, now });
    try {
      nowMs += 10_000;
      assert.match((await loupe.fails('VerifyKioskPin', { Pin: '2468' })).message, /in 20 seconds/, 'the lock outlives a restart');
      nowMs += 20_000;
      assert.deepEqual(await loupe.ok('VerifyKioskPin', { Pin: '1113' }), { Verified: false, AttemptsLeft: 0, RetryAfterSeconds: 60 });
      nowMs += 60_000;
      assert.deepEqual(await loupe.ok('VerifyKioskPin', { Pin: '1114' }), { Verified: false, AttemptsLeft: 0, RetryAfterSeconds: 120 });
      nowMs += 120_000;
      assert.deepEqual(await loupe.ok('VerifyKioskPin', { Pin: '2468' }), { Verified: true }, 'the right PIN after the lock');
      assert.deepEqual(await loupe.ok('VerifyKioskPin', { Pin: '1111' }), { Verified: false, AttemptsLeft: 4 }, 'and the count starts again');
      for (let i = 0; i < 20; i++) {
        const answer = await loupe.ok('VerifyKioskPin', { Pin: '1111' }).catch(() => undefined);
        nowMs += 16 * 60_000;
        if (answer?.RetryAfterSeconds !== undefined) assert.ok(answer.RetryAfterSeconds <= 15 * 60, 'a lock never exceeds 15 minutes');
      }
      await loupe.ok('SetKioskPin', { Pin: '1357' });
      assert.deepEqual(await loupe.ok('VerifyKioskPin', { Pin: '0000' }), { Verified: false, AttemptsLeft: 4 }, 'a new PIN starts a new count');
    } finally {
      loupe.close();
    }
  });
});
