import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { buildModel, encodeModel, GraphBuilder } from '../../../native/onnx';
import { createSession, defaultProviders, OrtError, type LogLevel, type OrtSession } from '../../../native/ort';

const folder = mkdtempSync(join(tmpdir(), 'loupe-ort-'));
after(() => rmSync(folder, { recursive: true, force: true }));

/** onnxruntime-node ships the CUDA provider as a separate library; without it the CUDA rung must fail here. */
const ortBin = join(dirname(createRequire(import.meta.url).resolve('onnxruntime-node')), '..', 'bin', 'napi-v6', process.platform, process.arch);
const hasCuda = existsSync(join(ortBin, 'libonnxruntime_providers_cuda.so'));

/** y = x · W + b with x [batch, 3], plus an int64 `shape` input that reshapes x (for run-time failures). */
function aModel(): Uint8Array {
  const g = new GraphBuilder('linear');
  const x = g.input('features', 'float32', ['batch', 3]);
  const shape = g.input('shape', 'int64', [2]);
  const y = g.op('Gemm', [x, g.initializer('w', Float32Array.from([1, 0, 0, 1, 1, 1]), [3, 2]), g.float('b', [0.5, -0.5])]);
  g.output(y, 'float32', ['batch', 2], 'scores');
  g.output(g.op('Reshape', [x, shape]), 'float32', undefined, 'reshaped');
  return encodeModel(buildModel(g));
}

function logRecorder(): { lines: { level: LogLevel; message: string; fields?: Record<string, unknown> }[]; log: (level: LogLevel, message: string, fields?: Record<string, unknown>) => void } {
  const lines: { level: LogLevel; message: string; fields?: Record<string, unknown> }[] = [];
  return { lines, log: (level, message, fields) => lines.push({ level, message, fields }) };
}

async function withSession<T>(use: (session: OrtSession) => Promise<T>): Promise<T> {
  const { session } = await createSession(aModel(), { providers: ['cpu'], name: 'linear-test' });
  try {
    return await use(session);
  } finally {
    await session.release();
  }
}

const features = (rows: number[][]) => ({ data: Float32Array.from(rows.flat()), dims: [rows.length, rows[0]?.length ?? 0] });
const shape = (...dims: number[]) => ({ data: BigInt64Array.from(dims, BigInt), dims: [dims.length] });

async function assertOrtError(promise: Promise<unknown>, kind: OrtError['kind'], message: RegExp): Promise<OrtError> {
  let caught: unknown;
  await assert.rejects(promise, (error: unknown) => {
    caught = error;
    return true;
  });
  assert.ok(caught instanceof OrtError, String(caught));
  assert.equal(caught.kind, kind, caught.message);
  assert.match(caught.message, message);
  return caught;
}

describe('the execution-provider ladder', () => {
  it('is DirectML, CoreML or CUDA by platform, then CPU', () => {
    assert.deepEqual(defaultProviders('win32'), ['dml', 'cpu']);
    assert.deepEqual(defaultProviders('darwin'), ['coreml', 'cpu']);
    // CUDA is on the Linux ladder only where its provider library was installed.
    assert.deepEqual(defaultProviders('linux'), hasCuda ? ['cuda', 'cpu'] : ['cpu']);
    assert.deepEqual(defaultProviders('freebsd'), ['cpu']);
  });

  it('falls back from CUDA to CPU on this Linux machine when asked for both, and logs it', { skip: process.platform !== 'linux' || hasCuda ? 'needs Linux without the CUDA provider' : false }, async () => {
    const { lines, log } = logRecorder();
    const { session, provider } = await createSession(aModel(), { log, threads: 1, providers: ['cuda', 'cpu'] });
    try {
      assert.equal(provider, 'cpu');
      assert.equal(session.provider, 'cpu');
      const fallback = lines.find((line) => line.fields?.provider === 'cuda');
      assert.ok(fallback, JSON.stringify(lines));
      assert.match(fallback.message, /cuda (unavailable, trying cpu|skipped)/);
      const loaded = lines.find((line) => line.message === 'model loaded');
      assert.deepEqual(loaded?.fields && { provider: loaded.fields.provider, fellBackFrom: loaded.fields.fellBackFrom }, { provider: 'cpu', fellBackFrom: ['cuda'] });
    } finally {
      await session.release();
    }
  });

  it('runs with spin-waiting threads turned off, giving the same answer', async () => {
    const { session } = await createSession(aModel(), { providers: ['cpu'], threads: 2, spinning: false, name: 'no-spin' });
    try {
      const out = await session.run({ features: { data: Float32Array.from([1, 2, 3]), dims: [1, 3] }, shape: { data: BigInt64Array.from([3n, 1n]), dims: [2] } });
      assert.deepEqual([...(out.scores!.data as Float32Array)], [4.5, 4.5]);
    } finally {
      await session.release();
    }
  });

  it('throws a clear error naming CUDA when only CUDA is asked for', { skip: hasCuda ? 'the CUDA provider is installed here' : false }, async () => {
    const error = await assertOrtError(createSession(aModel(), { providers: ['cuda'], name: 'only-cuda' }), 'provider-unavailable', /^only-cuda on cuda: no requested execution provider is available \(cuda: /);
    assert.equal(error.provider, 'cuda');
  });

  it('names every rung that failed when no requested provider works', async () => {
    const error = await assertOrtError(createSession(aModel(), { providers: ['dml', 'coreml'], name: 'm' }), 'provider-unavailable', /dml: .*; coreml: /);
    assert.equal(error.provider, 'dml, coreml');
  });

  it('reports a broken model as a model-load failure, not a missing provider', async () => {
    const path = join(folder, 'broken.onnx');
    writeFileSync(path, 'not a model');
    await assertOrtError(createSession(path, { providers: ['cpu'] }), 'model-load', /^broken\.onnx on cpu: cannot load the model/);
  });
});

describe('OrtSession.run', () => {
  it('returns every output by name with its dims, or only those asked for', async () => {
    await withSession(async (session) => {
      assert.deepEqual(session.inputs, [
        { name: 'features', dtype: 'float32', shape: ['batch', 3] },
        { name: 'shape', dtype: 'int64', shape: [2] },
      ]);
      const out = await session.run({ features: features([[1, 2, 3], [0, 0, 0]]), shape: shape(3, 2) });
      assert.deepEqual(Object.keys(out).sort(), ['reshaped', 'scores']);
      assert.deepEqual(out.scores?.dims, [2, 2]);
      assert.deepEqual([...(out.scores?.data ?? [])], [1 + 3 + 0.5, 2 + 3 - 0.5, 0.5, -0.5]);
      assert.deepEqual(out.reshaped?.dims, [3, 2]);
      const only = await session.run({ features: features([[1, 1, 1]]), shape: shape(1, 3) }, { outputs: ['scores'] });
      assert.deepEqual(Object.keys(only), ['scores']);
    });
  });

  describe('when the inputs do not match the model', () => {
    const cases: [string, () => Record<string, { data: Float32Array | BigInt64Array | Int32Array; dims: number[] }>, RegExp][] = [
      ['an unknown name', () => ({ feature: features([[1, 2, 3]]), shape: shape(1, 3) }), /no input named "feature"; its inputs are features float32 \[batch, 3\], shape int64 \[2\]/],
      ['a missing input', () => ({ features: features([[1, 2, 3]]) }), /missing input shape int64 \[2\]/],
      ['the wrong dtype', () => ({ features: { data: Int32Array.from([1, 2, 3]), dims: [1, 3] }, shape: shape(1, 3) }), /"features" must be float32, not int32/],
      ['the wrong rank', () => ({ features: { data: new Float32Array(3), dims: [3] }, shape: shape(1, 3) }), /"features" must have rank 2 \(\[batch, 3\]\), not 1/],
      ['a wrong fixed dim', () => ({ features: features([[1, 2], [3, 4]]), shape: shape(1, 4) }), /"features" must have dims \[batch, 3\]: axis 1 is 2, not 3/],
      ['dims the data does not fill', () => ({ features: { data: new Float32Array(5), dims: [2, 3] }, shape: shape(1, 3) }), /"features" has 5 values for dims \[2, 3\] \(6\)/],
    ];
    for (const [situation, inputs, message] of cases) {
      it(`refuses ${situation}, naming the model, the provider and each input`, async () => {
        await withSession(async (session) => {
          const error = await assertOrtError(session.run(inputs()), 'bad-input', message);
          assert.match(error.message, /^linear-test on cpu: /);
          assert.match(error.message, /; inputs: /);
        });
      });
    }

    it('refuses an output the model does not have', async () => {
      await withSession(async (session) => {
        await assertOrtError(session.run({ features: features([[1, 2, 3]]), shape: shape(1, 3) }, { outputs: ['logits'] }), 'bad-input', /no output named logits; outputs are scores float32 \[batch, 2\]/);
      });
    });

    it('refuses a symbolic dim that differs between inputs', async () => {
      const g = new GraphBuilder('pair');
      const a = g.input('a', 'float32', ['batch', 2]);
      const b = g.input('b', 'float32', ['batch', 2]);
      g.output(g.op('Add', [a, b]), 'float32', ['batch', 2], 'sum');
      const { session } = await createSession(encodeModel(buildModel(g)), { providers: ['cpu'], name: 'pair' });
      try {
        await assertOrtError(session.run({ a: features([[1, 2]]), b: features([[1, 2], [3, 4]]) }), 'bad-input', /dim "batch" is 1 in input "a" but 2 in input "b"/);
      } finally {
        await session.release();
      }
    });
  });

  it('wraps a failure inside ONNX Runtime with the model, provider and inputs', async () => {
    await withSession(async (session) => {
      const error = await assertOrtError(session.run({ features: features([[1, 2, 3]]), shape: shape(5, 5) }), 'run-failed', /^linear-test on cpu: .*; inputs: features float32 \[1, 3\], shape int64 \[2\]$/s);
      assert.equal(error.provider, 'cpu');
      assert.deepEqual(error.inputs, [
        { name: 'features', dtype: 'float32', dims: [1, 3] },
        { name: 'shape', dtype: 'int64', dims: [2] },
      ]);
      assert.ok(error.cause instanceof Error);
    });
  });

  it('refuses to run after release, and release can be called twice', async () => {
    const { session } = await createSession(aModel(), { providers: ['cpu'], name: 'released' });
    const running = session.run({ features: features([[1, 2, 3]]), shape: shape(1, 3) });
    await session.release();
    await session.release();
    assert.deepEqual((await running).scores?.dims, [1, 2]);
    await assertOrtError(session.run({ features: features([[1, 2, 3]]), shape: shape(1, 3) }), 'released', /the session was released/);
  });
});
