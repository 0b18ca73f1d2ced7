import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { buildDefaultBackbones, CONVERTER_VERSION, nsfwjsVersion } from '../../../native/convert';
import { NSFWJS_MOBILENET_V2_100, NSFWJS_MOBILENET_V2_140, readBuiltBackbone, validateBackbone } from '../../../native/models';
import { describeModel } from '../../../native/onnx';

const folder = mkdtempSync(join(tmpdir(), 'loupe-build-'));
after(() => rmSync(folder, { recursive: true, force: true }));

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const small = { specs: [NSFWJS_MOBILENET_V2_100] };

describe('buildDefaultBackbones', () => {
  it('writes <id>.onnx and <id>.json for each default backbone, each fitting its spec', async () => {
    const results = await buildDefaultBackbones(folder);
    assert.deepEqual(
      results.map(({ id, built }) => ({ id, built })),
      [
        { id: NSFWJS_MOBILENET_V2_140.id, built: true },
        { id: NSFWJS_MOBILENET_V2_100.id, built: true },
      ],
    );
    const version = await nsfwjsVersion();
    for (const result of results) {
      assert.equal(result.path, join(folder, `${result.id}.onnx`));
      assert.equal(result.sha256, sha256(result.path));
      const sidecar = await readBuiltBackbone(folder, result.id);
      assert.equal(sidecar?.sha256, result.sha256);
      assert.equal(sidecar?.converterVersion, CONVERTER_VERSION);
      assert.deepEqual(sidecar?.spec.source.kind === 'npm' && sidecar.spec.source.version, version);
      assert.deepEqual(await validateBackbone(result.path, sidecar?.spec ?? NSFWJS_MOBILENET_V2_100), { ok: true, problems: [], warnings: [] });
      const description = await describeModel(result.path);
      assert.equal(description.producerName, 'Loupe');
      assert.equal(JSON.parse(description.metadata['loupe.backbone'] ?? '{}').id, result.id);
      assert.match(description.metadata.licence ?? '', /^MIT/);
    }
  });

  it('keeps up-to-date files and rebuilds missing, changed or forced ones, byte for byte the same', async () => {
    const [first] = await buildDefaultBackbones(folder, small);
    const again = await buildDefaultBackbones(folder, small);
    assert.deepEqual(again, [{ ...first, built: false }]);

    const forced = await buildDefaultBackbones(folder, { ...small, force: true });
    assert.deepEqual(forced, [{ ...first, built: true }]);

    writeFileSync(first?.path as string, 'tampered');
    assert.deepEqual(await buildDefaultBackbones(folder, small), [{ ...first, built: true }]);

    const sidecar = join(folder, `${NSFWJS_MOBILENET_V2_100.id}.json`);
    writeFileSync(sidecar, readFileSync(sidecar, 'utf8').replace(/"version": "[^"]+"/, '"version": "0.0.1"'));
    assert.equal((await buildDefaultBackbones(folder, small))[0]?.built, true);

    writeFileSync(sidecar, '{ not json');
    assert.equal((await buildDefaultBackbones(folder, small))[0]?.built, true);

    const renamed = { ...NSFWJS_MOBILENET_V2_100, title: 'renamed' };
    assert.equal((await buildDefaultBackbones(folder, { specs: [renamed] }))[0]?.built, true);
  });
});
