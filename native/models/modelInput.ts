/**
 * Decoded pixels → a backbone's input tensor, as the spec says: resize, channel order, scale and
 * normalisation, layout. Pure arithmetic on HWC uint8 RGB (what native/preprocess decodeRgb returns),
 * so it runs anywhere, workers included, and its golden tests need no image codec.
 *
 * Resizing is bilinear with half-pixel centres; when shrinking, the triangle filter widens to the
 * shrink factor so every source pixel counts (no aliasing, as PIL's and libvips' bilinear do).
 */
import { inputDims, type ModelSpec } from './modelSpec';

/** HWC uint8 RGB pixels: `data[(y * width + x) * 3 + c]`. */
export interface RgbPixels {
  data: Uint8Array;
  width: number;
  height: number;
}

interface Taps {
  start: Int32Array;
  count: Int32Array;
  weights: Float32Array;
  stride: number;
}

/** Per output pixel along one axis: first source index, number of taps, normalised weights. */
function taps(inSize: number, outSize: number): Taps {
  const scale = inSize / outSize;
  const support = Math.max(1, scale);
  const stride = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float32Array(outSize * stride);
  for (let o = 0; o < outSize; o++) {
    const centre = (o + 0.5) * scale;
    const first = Math.max(0, Math.floor(centre - support));
    const last = Math.min(inSize - 1, Math.ceil(centre + support));
    let total = 0;
    let n = 0;
    for (let i = first; i <= last && n < stride; i++, n++) {
      const weight = Math.max(0, 1 - Math.abs(i + 0.5 - centre) / support);
      weights[o * stride + n] = weight;
      total += weight;
    }
    for (let k = 0; k < n; k++) weights[o * stride + k] = (weights[o * stride + k] as number) / total;
    start[o] = first;
    count[o] = n;
  }
  return { start, count, weights, stride };
}

/** HWC float pixels (0–255) of `image` resized to width × height. */
function resize(image: RgbPixels, width: number, height: number): Float32Array {
  const source = image.data;
  if (image.width === width && image.height === height) return Float32Array.from(source);
  const horizontal = taps(image.width, width);
  const vertical = taps(image.height, height);
  const rows = new Float32Array(image.height * width * 3);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < width; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      const first = horizontal.start[x] as number;
      for (let k = 0; k < (horizontal.count[x] as number); k++) {
        const weight = horizontal.weights[x * horizontal.stride + k] as number;
        const at = (y * image.width + first + k) * 3;
        r += weight * (source[at] as number);
        g += weight * (source[at + 1] as number);
        b += weight * (source[at + 2] as number);
      }
      const to = (y * width + x) * 3;
      rows[to] = r;
      rows[to + 1] = g;
      rows[to + 2] = b;
    }
  }
  const out = new Float32Array(height * width * 3);
  for (let y = 0; y < height; y++) {
    const first = vertical.start[y] as number;
    for (let k = 0; k < (vertical.count[y] as number); k++) {
      const weight = vertical.weights[y * vertical.stride + k] as number;
      const from = (first + k) * width * 3;
      const to = y * width * 3;
      for (let i = 0; i < width * 3; i++) out[to + i] = (out[to + i] as number) + weight * (rows[from + i] as number);
    }
  }
  return out;
}

function checkPixels(image: RgbPixels): void {
  if (!(Number.isInteger(image.width) && Number.isInteger(image.height) && image.width > 0 && image.height > 0)) {
    throw new RangeError(`image size ${image.width} × ${image.height} is not a size`);
  }
  if (image.data.length !== image.width * image.height * 3) {
    throw new RangeError(`image data has ${image.data.length} bytes, ${image.width} × ${image.height} RGB needs ${image.width * image.height * 3}`);
  }
}

/** Write one image's normalised values into `out` at `offset` (elements), in the spec's layout. */
function writeInput(image: RgbPixels, spec: ModelSpec, out: Float32Array, offset: number): void {
  checkPixels(image);
  const { width, height, layout, colourOrder, scale, mean, std } = spec.input;
  // Pixels already at the input size (native/preprocess decodeForModel) are read as they are.
  const pixels: ArrayLike<number> = image.width === width && image.height === height ? image.data : resize(image, width, height);
  const order = colourOrder === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  const plane = width * height;
  // value = (pixel × scale − mean) / std = pixel × gain + bias, per input channel (c reads pixel channel order[c]).
  const [g0, g1, g2] = order.map((_, c) => scale / (std[c] as number)) as [number, number, number];
  const [b0, b1, b2] = order.map((_, c) => -(mean[c] as number) / (std[c] as number)) as [number, number, number];
  const [s0, s1, s2] = order as [number, number, number];
  // One pass over the pixels (this runs for every analysed image).
  if (layout === 'NHWC') {
    for (let p = 0, at = 0; p < plane; p++, at += 3) {
      out[offset + at] = (pixels[at + s0] as number) * g0 + b0;
      out[offset + at + 1] = (pixels[at + s1] as number) * g1 + b1;
      out[offset + at + 2] = (pixels[at + s2] as number) * g2 + b2;
    }
  } else {
    for (let p = 0, at = 0; p < plane; p++, at += 3) {
      out[offset + p] = (pixels[at + s0] as number) * g0 + b0;
      out[offset + plane + p] = (pixels[at + s1] as number) * g1 + b1;
      out[offset + 2 * plane + p] = (pixels[at + s2] as number) * g2 + b2;
    }
  }
}

/** One image as the backbone's input values: float32, [h, w, 3] (NHWC) or [3, h, w] (NCHW), normalised per the spec. */
export function toModelInput(image: RgbPixels, spec: ModelSpec): Float32Array {
  const out = new Float32Array(spec.input.width * spec.input.height * 3);
  writeInput(image, spec, out, 0);
  return out;
}

/** A batch of images as one input tensor: { data, dims } with dims [n, h, w, 3] or [n, 3, h, w]. */
export function toModelBatch(images: readonly RgbPixels[], spec: ModelSpec, reuse?: Float32Array): { data: Float32Array; dims: number[] } {
  const size = spec.input.width * spec.input.height * 3;
  // A caller that runs one batch at a time (an inference unit) may hand its buffer back in.
  const data = reuse?.length === images.length * size ? reuse : new Float32Array(images.length * size);
  images.forEach((image, i) => writeInput(image, spec, data, i * size));
  return { data, dims: inputDims(spec, images.length) };
}

/** The image mirrored left to right (HWC RGB), for the mirrored view in training. */
export function mirrorPixels(image: RgbPixels): RgbPixels {
  const { width, height, data } = image;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = (y * width + x) * 3;
      const to = (y * width + (width - 1 - x)) * 3;
      out[to] = data[from]!;
      out[to + 1] = data[from + 1]!;
      out[to + 2] = data[from + 2]!;
    }
  }
  return { width, height, data: out };
}
