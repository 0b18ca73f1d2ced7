/**
 * The hand-written backward passes of the step graphs against TF.js autograd. Each case runs one
 * step in ONNX Runtime for three heads at once (each with its own parameters, learning rate and
 * weight decay) twice: from zero Adam moments at t = 1, where m' = (1 − β1)·g gives back each
 * head's gradient, and from known moments at t = 3, whose updated parameters and moments are
 * checked against Adam written out in JavaScript on the TF.js gradients.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { createSession, type OrtSession, type TensorInput, type TensorOutput } from '../../../native/ort';
import { ADAM, headParameterNames, headStepModel, STEP_NAMES, type HeadKind } from '../../../native/train';
import { assertRelativelyClose, normal, uniform } from './helpers';

const TOLERANCE = 1e-5;
const B = 6;
const D = 5;
const H = 4;
const C = 3;

before(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
  await tf.ready();
});

const sessions = new Map<string, Promise<OrtSession>>();
function stepSession(kind: HeadKind, hidden: boolean): Promise<OrtSession> {
  const key = `${kind}-${hidden}`;
  let session = sessions.get(key);
  if (!session) {
    session = createSession(headStepModel(kind, hidden), { providers: ['cpu'], name: key }).then(({ session: loaded }) => loaded);
    sessions.set(key, session);
  }
  return session;
}
after(async () => {
  for (const session of sessions.values()) await (await session).release();
});

interface Case {
  kind: HeadKind;
  hidden: boolean;
  /** Heads trained together. */
  heads: number;
  x: Float32Array;
  y: Float32Array;
  s: Float32Array;
  pw: Float32Array;
  /** Per head: learning rate and weight decay. */
  lr: number[];
  wd: number[];
  /** Stacked over the heads as the graph takes them: W1 [D, K, W], the others [K, ...]. */
  params: Record<string, { data: Float32Array; dims: number[] }>;
}

/** Where the heads' axis is in the stacked parameter: W1 [D, K, W] keeps the heads side by side. */
const headAxis = (name: string) => (name === 'W1' ? 1 : 0);

function aCase(kind: HeadKind, hidden: boolean, seed: number, options: { heads?: number; scale?: number; wd?: number[] } = {}): Case {
  const heads = options.heads ?? 3;
  const next = uniform(seed);
  const gauss = normal(next);
  const x = Float32Array.from({ length: B * D }, () => gauss() * (options.scale ?? 1));
  const y = new Float32Array(B * C);
  for (let i = 0; i < B; i++) {
    if (kind === 'softmax') y[i * C + (i % C)] = 1;
    else for (let c = 0; c < C; c++) y[i * C + c] = next() < 0.4 ? 1 : 0;
  }
  const s = Float32Array.from({ length: B }, () => 0.2 + 2 * next());
  const pw = Float32Array.from({ length: C }, () => 0.5 + 3 * next());
  const dims: Record<string, number[]> = hidden ? { W1: [D, H], b1: [H], W2: [H, C], b2: [C] } : { W1: [D, C], b1: [C] };
  const params: Case['params'] = {};
  for (const name of headParameterNames(hidden ? H : 0)) {
    const shape = [...(dims[name] as number[])];
    shape.splice(headAxis(name), 0, heads);
    params[name] = { data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => gauss() * 0.7), dims: shape };
  }
  const lr = Array.from({ length: heads }, (_, k) => 0.05 / (k + 1));
  const wd = options.wd ?? Array.from({ length: heads }, (_, k) => [0.03, 0, 0.2][k % 3] as number);
  return { kind, hidden, heads, x, y, s, pw, lr, wd, params };
}

/** Head k's values of a stacked parameter (or of its moments), row-major in the head's own shape. */
function slice(name: string, data: ArrayLike<number>, dims: readonly number[], k: number): number[] {
  const heads = dims[headAxis(name)] as number;
  const size = data.length / heads;
  if (headAxis(name) === 0) return Array.from({ length: size }, (_, i) => data[k * size + i] as number);
  const inner = dims[2] as number; // W1 [D, K, W]: row d of head k starts at (d·K + k)·W
  return Array.from({ length: size }, (_, i) => data[(Math.floor(i / inner) * heads + k) * inner + (i % inner)] as number);
}

/** A parameter's shape for one head. */
const headDims = (name: string, dims: readonly number[]) => dims.filter((_, axis) => axis !== headAxis(name));

/** One step in ONNX Runtime from moments m, v at step t. */
async function runStep(
  c: Case,
  options: { t: number; wd?: number[]; m?: Record<string, Float32Array>; v?: Record<string, Float32Array> },
): Promise<Record<string, TensorOutput>> {
  const session = await stepSession(c.kind, c.hidden);
  const feeds: Record<string, TensorInput> = {
    x: { data: c.x, dims: [B, D] },
    y: { data: c.y, dims: [B, C] },
    sampleWeight: { data: c.s, dims: [B] },
    t: { data: Float32Array.of(options.t), dims: [] },
    learningRate: { data: Float32Array.from(c.lr), dims: [c.heads] },
    weightDecay: { data: Float32Array.from(options.wd ?? c.wd), dims: [c.heads] },
  };
  if (c.kind === 'sigmoid') feeds.positiveWeight = { data: c.pw, dims: [C] };
  for (const [name, { data, dims }] of Object.entries(c.params)) {
    feeds[name] = { data, dims };
    feeds[STEP_NAMES.moment1(name)] = { data: options.m?.[name] ?? new Float32Array(data.length), dims };
    feeds[STEP_NAMES.moment2(name)] = { data: options.v?.[name] ?? new Float32Array(data.length), dims };
  }
  return session.run(feeds);
}

/** Head k's data loss and gradients of loss + wd/2·Σ‖W‖² by TF.js autograd, written independently of the graphs. */
function tfReference(c: Case, k: number, wd: number): { loss: number; grads: Record<string, Float32Array> } {
  const names = Object.keys(c.params);
  return tf.tidy(() => {
    const x = tf.tensor2d(c.x, [B, D]);
    const y = tf.tensor2d(c.y, [B, C]);
    const s = tf.tensor1d(c.s);
    const pw = tf.tensor1d(c.pw);
    const dataLoss = (...params: tf.Tensor[]): tf.Scalar => {
      const p = Object.fromEntries(names.map((name, i) => [name, params[i] as tf.Tensor]));
      let z = tf.add(tf.matMul(x, p.W1 as tf.Tensor2D), p.b1 as tf.Tensor);
      if (c.hidden) z = tf.add(tf.matMul(tf.relu(z) as tf.Tensor2D, p.W2 as tf.Tensor2D), p.b2 as tf.Tensor);
      let perSample: tf.Tensor;
      if (c.kind === 'softmax') {
        perSample = tf.neg(tf.sum(tf.mul(y, tf.logSoftmax(z)), 1));
      } else {
        const positives = tf.mul(tf.mul(pw, y), tf.softplus(tf.neg(z)));
        const negatives = tf.mul(tf.sub(1, y), tf.softplus(z));
        perSample = tf.mean(tf.add(positives, negatives), 1);
      }
      return tf.div(tf.sum(tf.mul(s, perSample)), tf.sum(s)) as tf.Scalar;
    };
    const objective = (...params: tf.Tensor[]): tf.Scalar => {
      let total = dataLoss(...params);
      names.forEach((name, i) => {
        if (name.startsWith('W')) total = tf.add(total, tf.mul(wd / 2, tf.sum(tf.square(params[i] as tf.Tensor)))) as tf.Scalar;
      });
      return total;
    };
    const inputs = names.map((name) => {
      const { data, dims } = c.params[name] as { data: Float32Array; dims: number[] };
      return tf.tensor(slice(name, data, dims, k), headDims(name, dims));
    });
    const grads = tf.grads(objective)(inputs);
    return {
      loss: dataLoss(...inputs).dataSync()[0] as number,
      grads: Object.fromEntries(names.map((name, i) => [name, (grads[i] as tf.Tensor).dataSync() as Float32Array])),
    };
  });
}

const gradientOf = (out: Record<string, TensorOutput>, c: Case, name: string, k: number) =>
  slice(name, out[STEP_NAMES.next(STEP_NAMES.moment1(name))]?.data as Float32Array, c.params[name]?.dims as number[], k).map((value) => value / (1 - ADAM.beta1));

async function checkGradients(c: Case): Promise<void> {
  const out = await runStep(c, { t: 1 });
  assert.deepEqual(out.loss?.dims, [c.heads]);
  for (let k = 0; k < c.heads; k++) {
    const reference = tfReference(c, k, c.wd[k] as number);
    assertRelativelyClose([out.loss?.data[k] as number], [reference.loss], TOLERANCE, `head ${k}: loss`);
    for (const name of Object.keys(c.params)) {
      assertRelativelyClose(gradientOf(out, c, name, k), reference.grads[name] as Float32Array, TOLERANCE, `head ${k}: gradient of ${name}`);
    }
  }
}

async function checkAdamStep(c: Case): Promise<void> {
  const next = normal(uniform(77));
  const t = 3;
  const m: Record<string, Float32Array> = {};
  const v: Record<string, Float32Array> = {};
  for (const [name, { data }] of Object.entries(c.params)) {
    m[name] = Float32Array.from(data, () => next() * 0.1);
    v[name] = Float32Array.from(data, () => next() ** 2 * 0.01);
  }
  const out = await runStep(c, { t, m, v });
  for (let k = 0; k < c.heads; k++) {
    const { grads } = tfReference(c, k, c.wd[k] as number);
    const lr = c.lr[k] as number;
    for (const [name, { data, dims }] of Object.entries(c.params)) {
      const g = grads[name] as Float32Array;
      const theta0 = slice(name, data, dims, k);
      const m0 = slice(name, m[name] as Float32Array, dims, k);
      const v0 = slice(name, v[name] as Float32Array, dims, k);
      const mNext = Array.from(g, (gi, i) => ADAM.beta1 * (m0[i] as number) + (1 - ADAM.beta1) * gi);
      const vNext = Array.from(g, (gi, i) => ADAM.beta2 * (v0[i] as number) + (1 - ADAM.beta2) * gi * gi);
      const theta = theta0.map((value, i) => {
        const mHat = (mNext[i] as number) / (1 - ADAM.beta1 ** t);
        const vHat = (vNext[i] as number) / (1 - ADAM.beta2 ** t);
        return value - (lr * mHat) / (Math.sqrt(vHat) + ADAM.epsilon);
      });
      const output = (suffix: string) => slice(name, out[STEP_NAMES.next(suffix)]?.data as Float32Array, dims, k);
      assertRelativelyClose(output(STEP_NAMES.moment1(name)), mNext, TOLERANCE, `head ${k}: m of ${name}`);
      assertRelativelyClose(output(STEP_NAMES.moment2(name)), vNext, TOLERANCE, `head ${k}: v of ${name}`);
      assertRelativelyClose(output(name), theta, TOLERANCE, `head ${k}: updated ${name}`);
      // The step itself, not only the parameters it lands on.
      const delta = output(name).map((value, i) => value - (theta0[i] as number));
      assertRelativelyClose(delta, theta.map((value, i) => value - (theta0[i] as number)), 1e-4, `head ${k}: step of ${name}`);
    }
  }
}

const cases: { title: string; kind: HeadKind; hidden: boolean }[] = [
  { title: 'linear head, softmax cross-entropy with class weights', kind: 'softmax', hidden: false },
  { title: 'hidden ReLU layer, softmax cross-entropy with class weights', kind: 'softmax', hidden: true },
  { title: 'linear head, sigmoid cross-entropy with positive weights', kind: 'sigmoid', hidden: false },
  { title: 'hidden ReLU layer, sigmoid cross-entropy with positive weights', kind: 'sigmoid', hidden: true },
];

describe('training-step graphs against TF.js autograd', () => {
  for (const { title, kind, hidden } of cases) {
    it(`${title}: loss and gradients`, async () => {
      for (const seed of [1, 2, 3]) await checkGradients(aCase(kind, hidden, seed));
    });
    it(`${title}: one Adam step from known moments`, async () => {
      await checkAdamStep(aCase(kind, hidden, 4));
    });
  }

  it('weight decay adds λ·W to the weights’ gradients and nothing to the biases’', async () => {
    for (const kind of ['softmax', 'sigmoid'] as const) {
      for (const hidden of [false, true]) {
        const c = aCase(kind, hidden, 5, { wd: [0.25, 0.5, 1] });
        const plain = await runStep(c, { t: 1, wd: [0, 0, 0] });
        const decayed = await runStep(c, { t: 1 });
        for (let k = 0; k < c.heads; k++) {
          for (const [name, { data, dims }] of Object.entries(c.params)) {
            const difference = gradientOf(decayed, c, name, k).map((value, i) => value - (gradientOf(plain, c, name, k)[i] as number));
            const wd = c.wd[k] as number;
            const penalty = tf.tidy(() => tf.grad((w: tf.Tensor) => tf.mul(wd / 2, tf.sum(tf.square(w))) as tf.Scalar)(tf.tensor(slice(name, data, dims, k), headDims(name, dims))).dataSync());
            if (name.startsWith('W')) assertRelativelyClose(difference, penalty, 1e-4, `head ${k}: decay of ${name}`);
            else assert.ok(difference.every((value) => value === 0), `${name} must not be decayed`);
          }
        }
      }
    }
  });

  it('stays finite and exact for large logits (stable log-sum-exp and softplus)', async () => {
    for (const kind of ['softmax', 'sigmoid'] as const) {
      const c = aCase(kind, false, 6, { heads: 1, scale: 80, wd: [0] }); // logits in the hundreds
      const out = await runStep(c, { t: 1 });
      const reference = tfReference(c, 0, 0);
      assert.ok(Number.isFinite(out.loss?.data[0] as number), `${kind} loss ${out.loss?.data[0]}`);
      assertRelativelyClose([out.loss?.data[0] as number], [reference.loss], TOLERANCE, `${kind} loss`);
      for (const name of Object.keys(c.params)) {
        const gradient = gradientOf(out, c, name, 0);
        assert.ok(gradient.every(Number.isFinite), `${kind} gradient of ${name} is finite`);
        assertRelativelyClose(gradient, reference.grads[name] as Float32Array, TOLERANCE, `${kind} gradient of ${name}`);
      }
    }
  });
});
