/**
 * The detection step graph's hand-written backward pass against TF.js autograd: one step from zero
 * Adam moments at t = 1 gives back the gradient (m' = (1 − β1)·g), which must match tf.grads of the
 * same loss written with TF.js ops; the loss values and the Adam update are checked too.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { DETECT_STEP_NAMES as n, detectionStepModel } from '../../../native/detect';
import { ADAM } from '../../../native/train';
import { createSession, type OrtSession } from '../../../native/ort';
import { assertRelativelyClose, normal, uniform } from '../train/helpers';
import { tfDetectionLoss } from './helpers';

const N = 12;
const D = 5;
const C = 2;
const O = C + 4;
let session: OrtSession;

before(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
  await tf.ready();
  session = (await createSession(detectionStepModel(), { providers: ['cpu'], name: 'detect-step' })).session;
});
after(() => session.release());

function aCase(seed: number, scale: number) {
  const next = uniform(seed);
  const gauss = normal(uniform(seed + 7));
  const x = Float32Array.from({ length: N * D }, () => gauss());
  const W = Float32Array.from({ length: D * O }, () => gauss() * scale);
  const b = Float32Array.from({ length: O }, () => gauss() * scale);
  const heatmap = Float32Array.from({ length: N * C }, () => next() * 0.95);
  const mask = new Float32Array(N);
  for (const [row, c] of [[1, 0], [5, 1], [9, 0]] as const) {
    heatmap[row * C + c] = 1;
    mask[row] = 1;
  }
  const regression = Float32Array.from({ length: N * 4 }, () => next() * 3);
  return { x, W, b, heatmap, mask, regression, objects: 3, lambda: Float32Array.of(1, 1, 0.1, 0.1), wd: 0.01, lr: 0.05 };
}

function tfLoss(c: ReturnType<typeof aCase>, W: tf.Tensor, b: tf.Tensor) {
  const z = tf.add(tf.matMul(tf.tensor2d(c.x, [N, D]), W), b);
  const { heat, reg } = tfDetectionLoss(z, c, C);
  return { heat, reg, objective: tf.add(tf.add(heat, reg), tf.mul(c.wd / 2, tf.sum(tf.square(W)))) };
}

async function step(c: ReturnType<typeof aCase>, t: number, m: { W: Float32Array; b: Float32Array }, v: { W: Float32Array; b: Float32Array }) {
  return session.run({
    [n.features]: { data: c.x, dims: [N, D] },
    [n.heatmap]: { data: c.heatmap, dims: [N, C] },
    [n.regression]: { data: c.regression, dims: [N, 4] },
    [n.mask]: { data: c.mask, dims: [N] },
    [n.regressionWeight]: { data: c.lambda, dims: [4] },
    [n.objects]: { data: Float32Array.of(c.objects), dims: [] },
    W: { data: c.W, dims: [D, O] },
    b: { data: c.b, dims: [O] },
    [n.moment1('W')]: { data: m.W, dims: [D, O] },
    [n.moment1('b')]: { data: m.b, dims: [O] },
    [n.moment2('W')]: { data: v.W, dims: [D, O] },
    [n.moment2('b')]: { data: v.b, dims: [O] },
    [n.step]: { data: Float32Array.of(t), dims: [] },
    [n.learningRate]: { data: Float32Array.of(c.lr), dims: [] },
    [n.weightDecay]: { data: Float32Array.of(c.wd), dims: [] },
  });
}

describe('detection head step graph', () => {
  for (const [seed, scale] of [[1, 0.3], [2, 1.5]] as const) {
    it(`matches TF.js autograd for the focal + L1 loss (seed ${seed}, weight scale ${scale})`, async () => {
      const c = aCase(seed, scale);
      const zeros = { W: new Float32Array(D * O), b: new Float32Array(O) };
      const out = await step(c, 1, zeros, zeros);
      const grads = tf.grads((W: tf.Tensor, b: tf.Tensor) => tfLoss(c, W, b).objective as tf.Scalar)([tf.tensor2d(c.W, [D, O]), tf.tensor1d(c.b)]);
      const expected = { W: grads[0]!.dataSync() as Float32Array, b: grads[1]!.dataSync() as Float32Array };
      const losses = tfLoss(c, tf.tensor2d(c.W, [D, O]), tf.tensor1d(c.b));
      assertRelativelyClose(out[n.heatLoss]!.data as Float32Array, losses.heat.dataSync() as Float32Array, 1e-5, 'heat loss');
      assertRelativelyClose(out[n.regressionLoss]!.data as Float32Array, losses.reg.dataSync() as Float32Array, 1e-5, 'regression loss');
      for (const name of ['W', 'b'] as const) {
        const m1 = out[n.next(n.moment1(name))]!.data as Float32Array;
        const gradient = Float32Array.from(m1, (value) => value / (1 - ADAM.beta1));
        assertRelativelyClose(gradient, expected[name], 1e-4, `gradient of ${name}`);
      }
    });
  }

  it('takes the Adam step written out by hand from known moments at t = 3', async () => {
    const c = aCase(3, 0.5);
    const g = normal(uniform(42));
    const m = { W: Float32Array.from({ length: D * O }, () => g() * 0.1), b: Float32Array.from({ length: O }, () => g() * 0.1) };
    const v = { W: Float32Array.from({ length: D * O }, () => Math.abs(g()) * 0.1), b: Float32Array.from({ length: O }, () => Math.abs(g()) * 0.1) };
    const out = await step(c, 3, m, v);
    const grads = tf.grads((W: tf.Tensor, b: tf.Tensor) => tfLoss(c, W, b).objective as tf.Scalar)([tf.tensor2d(c.W, [D, O]), tf.tensor1d(c.b)]);
    const gradient = { W: grads[0]!.dataSync() as Float32Array, b: grads[1]!.dataSync() as Float32Array };
    for (const name of ['W', 'b'] as const) {
      const next = out[n.next(name)]!.data as Float32Array;
      const expected = new Float32Array(next.length);
      for (let i = 0; i < next.length; i++) {
        const mi = ADAM.beta1 * m[name][i]! + (1 - ADAM.beta1) * gradient[name][i]!;
        const vi = ADAM.beta2 * v[name][i]! + (1 - ADAM.beta2) * gradient[name][i]! ** 2;
        const mHat = mi / (1 - ADAM.beta1 ** 3);
        const vHat = vi / (1 - ADAM.beta2 ** 3);
        expected[i] = c[name][i]! - c.lr * (mHat / (Math.sqrt(vHat) + ADAM.epsilon));
      }
      assertRelativelyClose(next, expected, 1e-5, `updated ${name}`);
      assert.ok(next.some((value, i) => value !== c[name][i]), `${name} moved`);
    }
  });
});
