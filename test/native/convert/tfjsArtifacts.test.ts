import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeWeights, formatOf } from '../../../native/convert';

function bytes(...parts: ArrayBufferView[]): Uint8Array {
  const all = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    all.set(new Uint8Array(part.buffer, part.byteOffset, part.byteLength), offset);
    offset += part.byteLength;
  }
  return all;
}

describe('decodeWeights', () => {
  it('splits the binary in manifest order and expands each quantization as TF.js does', () => {
    const data = bytes(
      Float32Array.from([1.5, -2]),
      Uint8Array.from([0, 1, 255]),
      Uint16Array.from([0, 65535]),
      Uint16Array.from([0x3c00, 0xc000, 0x3555, 0x7c00]),
      Uint8Array.from([3, 4]),
    );
    const weights = decodeWeights(
      [
        { name: 'plain', shape: [2], dtype: 'float32' },
        { name: 'u8', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8', min: -1, scale: 0.5 } },
        { name: 'u16', shape: [1, 2], dtype: 'float32', quantization: { dtype: 'uint16', min: 0, scale: 0.001 } },
        { name: 'half', shape: [4], dtype: 'float32', quantization: { dtype: 'float16' } },
        { name: 'int', shape: [2], dtype: 'int32', quantization: { dtype: 'uint8', min: 0.2, scale: 1.5 } },
      ],
      data,
    );
    assert.deepEqual(weights.get('plain'), { dims: [2], values: Float32Array.from([1.5, -2]) });
    assert.deepEqual(weights.get('u8')?.values, Float32Array.from([-1, -0.5, 126.5]));
    assert.deepEqual(weights.get('u16'), { dims: [1, 2], values: Float32Array.from([0, 65.535]) });
    assert.deepEqual(weights.get('half')?.values, Float32Array.from([1, -2, 0.333251953125, Infinity]));
    // int32 weights are rounded after dequantizing: 3 × 1.5 + 0.2 = 4.7 → 5, 4 × 1.5 + 0.2 = 6.2 → 6.
    assert.deepEqual(weights.get('int')?.values, Int32Array.from([5, 6]));
  });

  it('refuses data that is shorter or longer than the manifest says', () => {
    const spec = [{ name: 'w', shape: [2], dtype: 'float32' }];
    assert.throws(() => decodeWeights(spec, new Uint8Array(4)), /weight w runs past the end of the weights data \(4 bytes\)/);
    assert.throws(() => decodeWeights(spec, new Uint8Array(12)), /describes 8 bytes, the data has 12/);
  });

  it('refuses quantized weights without their min and scale', () => {
    assert.throws(() => decodeWeights([{ name: 'w', shape: [1], dtype: 'float32', quantization: { dtype: 'uint8' } }], new Uint8Array(1)), /without min and scale/);
  });
});

describe('formatOf', () => {
  it('reads the format field, else tells a Keras topology from a GraphDef', () => {
    assert.equal(formatOf({ format: 'graph-model', modelTopology: {} }), 'graph-model');
    assert.equal(formatOf({ modelTopology: { keras_version: '2.2.4', model_config: {} } }), 'layers-model');
    assert.equal(formatOf({ modelTopology: { node: [] } }), 'graph-model');
    assert.throws(() => formatOf({ modelTopology: {} }), /neither a TF\.js layers model nor a graph model/);
  });
});
