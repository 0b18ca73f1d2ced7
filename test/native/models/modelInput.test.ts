import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_BACKBONES, toModelBatch, toModelInput, type ModelSpec, type RgbPixels } from '../../../native/models';

function aSpec(input: Partial<ModelSpec['input']>): ModelSpec {
  return {
    id: 'test',
    title: 'test',
    fileName: 'test.onnx',
    input: { name: 'image', width: 2, height: 2, layout: 'NHWC', colourOrder: 'RGB', resize: 'stretch', scale: 1, mean: [0, 0, 0], std: [1, 1, 1], ...input },
    outputs: [{ name: 'embedding', size: 4, role: 'final', pooling: 'global-average' }],
    licence: 'MIT',
    source: { kind: 'file' },
  };
}

function pixels(width: number, height: number, at: (x: number, y: number) => [number, number, number]): RgbPixels {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(at(x, y), (y * width + x) * 3);
  return { data, width, height };
}

const mean = (values: Float32Array) => values.reduce((sum, value) => sum + value, 0) / values.length;

describe('toModelInput', () => {
  it('scales an image of the model size to [0, 1] NHWC, value for value (nsfwjs backbones)', () => {
    const spec = DEFAULT_BACKBONES[0] as ModelSpec;
    const image = pixels(224, 224, (x, y) => [x, y, 255 - x]);
    const input = toModelInput(image, spec);
    assert.equal(input.length, 224 * 224 * 3);
    for (const [x, y] of [
      [0, 0],
      [10, 200],
      [223, 223],
    ] as const) {
      const at = (y * 224 + x) * 3;
      assert.deepEqual([input[at], input[at + 1], input[at + 2]], [x / 255, y / 255, (255 - x) / 255].map(Math.fround));
    }
  });

  it('reorders to BGR, normalises with mean and std and lays out NCHW', () => {
    const spec = aSpec({ layout: 'NCHW', colourOrder: 'BGR', scale: 1 / 255, mean: [0.5, 0.25, 0], std: [0.5, 0.25, 2] });
    const image = pixels(2, 2, (x, y) => (x === 0 && y === 0 ? [255, 0, 51] : [0, 255, 102]));
    // Channel 0 is blue: (51/255 − 0.5) / 0.5 = −0.6 at (0, 0), (102/255 − 0.5) / 0.5 = −0.2 elsewhere.
    // Channel 1 is green: (0 − 0.25) / 0.25 = −1, (1 − 0.25) / 0.25 = 3. Channel 2 is red: 0.5, 0.
    const expected = [-0.6, -0.2, -0.2, -0.2, -1, 3, 3, 3, 0.5, 0, 0, 0];
    toModelInput(image, spec).forEach((value, i) => assert.ok(Math.abs(value - (expected[i] as number)) < 1e-6, `[${i}] ${value} ≠ ${expected[i]}`));
  });

  it('stretches with bilinear interpolation at half-pixel centres when enlarging', () => {
    const spec = aSpec({ width: 4, height: 1 });
    const input = toModelInput(pixels(2, 1, (x) => (x === 0 ? [0, 0, 0] : [255, 255, 255])), spec);
    // Output centres fall at 0.25, 0.75, 1.25, 1.75 source pixels: 0, ¼, ¾ and all of the way.
    assert.deepEqual([input[0], input[3], input[6], input[9]], [0, 63.75, 191.25, 255]);
  });

  it('averages every source pixel when shrinking (no aliasing)', () => {
    const spec = aSpec({ width: 4, height: 4 });
    const checkerboard = pixels(16, 16, (x, y) => ((x + y) % 2 ? [255, 255, 255] : [0, 0, 0]));
    const input = toModelInput(checkerboard, spec);
    // Away from the border a 4× shrink of a 1-pixel checkerboard is flat grey.
    for (const [x, y] of [
      [1, 1],
      [2, 1],
      [1, 2],
      [2, 2],
    ] as const) {
      assert.ok(Math.abs((input[(y * 4 + x) * 3] as number) - 127.5) < 1e-3, `(${x}, ${y}) = ${input[(y * 4 + x) * 3]}`);
    }
    assert.ok(Math.abs(mean(input) - 127.5) < 2);
  });

  it('keeps a flat colour flat at any size (golden: dims and mean)', () => {
    const spec = DEFAULT_BACKBONES[0] as ModelSpec;
    for (const [width, height] of [
      [640, 480],
      [100, 300],
      [7, 5],
    ] as const) {
      const input = toModelInput(pixels(width, height, () => [200, 100, 50]), spec);
      assert.equal(input.length, 224 * 224 * 3);
      const channel = (c: number) => mean(input.filter((_, i) => i % 3 === c));
      assert.ok(Math.abs(channel(0) - 200 / 255) < 1e-5 && Math.abs(channel(1) - 100 / 255) < 1e-5 && Math.abs(channel(2) - 50 / 255) < 1e-5);
    }
  });

  it('refuses pixel data that does not match the size', () => {
    assert.throws(() => toModelInput({ data: new Uint8Array(11), width: 2, height: 2 }, aSpec({})), /11 bytes, 2 × 2 RGB needs 12/);
  });
});

describe('toModelBatch', () => {
  it('stacks images into one tensor with the batch dims of the layout', () => {
    const a = pixels(3, 3, () => [10, 20, 30]);
    const b = pixels(5, 2, (x) => [x * 50, 0, 255]);
    const nhwc = toModelBatch([a, b], aSpec({}));
    assert.deepEqual(nhwc.dims, [2, 2, 2, 3]);
    assert.deepEqual(nhwc.data.subarray(12), toModelInput(b, aSpec({})));
    assert.deepEqual(toModelBatch([a], aSpec({ layout: 'NCHW', width: 3, height: 1 })).dims, [1, 3, 1, 3]);
  });
});
