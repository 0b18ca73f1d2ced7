/**
 * Mirror averaging in the exported detector: a small detector-shaped model (NHWC image → strided
 * Conv → sigmoid heat + raw regression, [B, C + 4, H, W]) with withMirroredBatch + mirrorAveraged,
 * against the same average written out in JavaScript, and the property it buys: a mirrored image
 * gives exactly the mirrored output (offset x read from the other side).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mirrorAveraged, withMirroredBatch } from '../../../native/detect';
import { buildModel, encodeModel, GraphBuilder, type OnnxModel } from '../../../native/onnx';
import { createSession } from '../../../native/ort';
import { createRandom } from '../../../native/train';

const SIDE = 16;
const STRIDE = 4;
const W = SIDE / STRIDE;
const CLASSES = 2;
const CHANNELS = CLASSES + 4;
const PLANE = W * W;

/** A detector-shaped model whose output is not mirror-symmetric (random, asymmetric kernels). */
function detector(): OnnxModel {
  const random = createRandom(7);
  const g = new GraphBuilder('detector');
  const image = g.input('image', 'float32', ['batch', SIDE, SIDE, 3]);
  const nchw = g.op('Transpose', [image], { perm: [0, 3, 1, 2] });
  const kernel = Float32Array.from({ length: CHANNELS * 3 * STRIDE * STRIDE }, () => random.uniform(0.5));
  const conv = g.op('Conv', [nchw, g.float('W', kernel, [CHANNELS, 3, STRIDE, STRIDE])], { kernel_shape: [STRIDE, STRIDE], strides: [STRIDE, STRIDE] });
  const axis = g.int64('axis', [1]);
  const heat = g.op('Sigmoid', [g.op('Slice', [conv, g.int64('s0', [0]), g.int64('s1', [CLASSES]), axis])]);
  const rest = g.op('Slice', [conv, g.int64('s2', [CLASSES]), g.int64('s3', [CHANNELS]), axis]);
  g.output(g.op('Concat', [heat, rest], { axis: 1 }), 'float32', undefined, 'detections');
  return buildModel(g);
}

function averaged(model: OnnxModel): OnnxModel {
  const mirrored = withMirroredBatch(model, 'image', 'NHWC');
  const producer = mirrored.graph.nodes.find((node) => node.outputs.includes('detections'))!;
  const g = new GraphBuilder('averaged', { ...mirrored.graph, nodes: mirrored.graph.nodes.filter((node) => node !== producer), outputs: [] });
  const pair = g.value(producer.inputs[0]!);
  g.output(mirrorAveraged(g, pair, CLASSES), 'float32', ['batch', CHANNELS, W, W], 'detections');
  return buildModel(g);
}

function mirrorImage(pixels: Float32Array): Float32Array {
  const out = new Float32Array(pixels.length);
  for (let y = 0; y < SIDE; y++) for (let x = 0; x < SIDE; x++) for (let c = 0; c < 3; c++) out[(y * SIDE + x) * 3 + c] = pixels[(y * SIDE + (SIDE - 1 - x)) * 3 + c]!;
  return out;
}

async function run(model: OnnxModel, images: Float32Array[]): Promise<Float32Array> {
  const { session } = await createSession(encodeModel(model), { name: 'mirror-test' });
  try {
    const data = new Float32Array(images.length * SIDE * SIDE * 3);
    images.forEach((image, i) => data.set(image, i * image.length));
    const out = await session.run({ image: { data, dims: [images.length, SIDE, SIDE, 3] } });
    return out.detections!.data as Float32Array;
  } finally {
    await session.release();
  }
}

const random = createRandom(11);
const images = [0, 1].map(() => Float32Array.from({ length: SIDE * SIDE * 3 }, () => random.next()));

describe('mirror averaging', () => {
  it('averages the image and its mirror in the image orientation, offset x taken from the other side', async () => {
    const plain = detector();
    const expected = new Float32Array(images.length * CHANNELS * PLANE);
    for (const [i, image] of images.entries()) {
      const [own, mirror] = [await run(plain, [image]), await run(plain, [mirrorImage(image)])];
      for (let c = 0; c < CHANNELS; c++) {
        for (let y = 0; y < W; y++) {
          for (let x = 0; x < W; x++) {
            const a = own[c * PLANE + y * W + x]!;
            const m = mirror[c * PLANE + y * W + (W - 1 - x)]!;
            expected[i * CHANNELS * PLANE + c * PLANE + y * W + x] = c === CLASSES ? (a + 1 - m) / 2 : (a + m) / 2;
          }
        }
      }
    }
    const got = await run(averaged(plain), images);
    assert.equal(got.length, expected.length);
    for (let k = 0; k < got.length; k++) assert.ok(Math.abs(got[k]! - expected[k]!) < 1e-5, `value ${k}: ${got[k]} vs ${expected[k]}`);
  });

  it('gives a mirrored image the mirrored output', async () => {
    const model = averaged(detector());
    const [own, mirrored] = [await run(model, [images[0]!]), await run(model, [mirrorImage(images[0]!)])];
    let asymmetric = 0;
    for (let c = 0; c < CHANNELS; c++) {
      for (let y = 0; y < W; y++) {
        for (let x = 0; x < W; x++) {
          const a = own[c * PLANE + y * W + x]!;
          const m = mirrored[c * PLANE + y * W + (W - 1 - x)]!;
          assert.ok(Math.abs((c === CLASSES ? 1 - m : m) - a) < 1e-5, `channel ${c} at (${x}, ${y}): ${a} vs ${m}`);
          if (c < CLASSES) asymmetric = Math.max(asymmetric, Math.abs(a - own[c * PLANE + y * W + (W - 1 - x)]!));
        }
      }
    }
    // The heat itself is not symmetric within the image, so the check above is not trivially met.
    assert.ok(asymmetric > 1e-3);
  });
});
