/**
 * ImageNet backbones Loupe can download: each pinned to one file (URL, byte size, SHA-256) under a
 * permissive licence, with its preprocessing and where its embedding is cut. A clean ImageNet
 * backbone scores better than the default on everyday photos, and much better with few images per
 * label, so a site with a network fetches one of these; an air-gapped site registers the same file
 * with RegisterBackbone, or points Loupe at a mirror that serves it.
 *
 * Adding an entry: pin the file's exact byte size and SHA-256, give the input spec its exporter
 * used, and a cut that test/native/models/featureCut.test.ts's graphs cover.
 */
import type { ModelInputSpec } from './modelSpec';

/**
 * Where a downloaded classifier's embedding is taken: the last spatial average pool feeding its
 * classifier (GlobalAveragePool, a ReduceMean over the two spatial axes, or an AveragePool whose
 * window covers the map), flattened to [batch, size]. Everything after it (the classifier) and
 * everything it does not need is dropped.
 */
export interface FeatureCut {
  at: 'last-average-pool';
  /** The new graph output's name. */
  output: string;
  /** Channels of the pooled map: the output is [batch, size]. */
  size: number;
}

export interface PinnedBackbone {
  /** The registered backbone's id (`<id>.onnx` in `<home>/backbones`). */
  id: string;
  title: string;
  licence: string;
  /** Where the file is published. A mirror serves the same file under the URL's last path segment. */
  url: string;
  sizeBytes: number;
  /** Hex SHA-256 of the published file (before the cut). */
  sha256: string;
  /** The input as Loupe feeds it; the file's own input is renamed to `input.name`. */
  input: ModelInputSpec;
  cut: FeatureCut;
}

/** MobileNetV2 1.0, ONNX model zoo (PyTorch export): NCHW, RGB, pixel/255 then ImageNet mean and std. */
export const ONNX_ZOO_MOBILENET_V2: PinnedBackbone = {
  id: 'onnx-zoo-mobilenet-v2-12',
  title: 'MobileNetV2 1.0 (ImageNet, ONNX model zoo)',
  licence: 'Apache-2.0 (ONNX model zoo, MobileNetV2 trained on ImageNet)',
  url: 'https://github.com/onnx/models/raw/main/validated/vision/classification/mobilenet/model/mobilenetv2-12.onnx',
  sizeBytes: 13_964_571,
  sha256: 'c0c3f76d93fa3fd6580652a45618618a220fced18babf65774ed169de0432ad5',
  input: {
    name: 'image',
    width: 224,
    height: 224,
    layout: 'NCHW',
    colourOrder: 'RGB',
    resize: 'stretch',
    scale: 1 / 255,
    mean: [0.485, 0.456, 0.406],
    std: [0.229, 0.224, 0.225],
  },
  cut: { at: 'last-average-pool', output: 'embedding', size: 1280 },
};

/** EfficientNet-Lite4, ONNX model zoo (TF export): NHWC, RGB, (pixel − 127) / 128; its batch is made free. */
export const ONNX_ZOO_EFFICIENTNET_LITE4: PinnedBackbone = {
  id: 'onnx-zoo-efficientnet-lite4-11',
  title: 'EfficientNet-Lite4 (ImageNet, ONNX model zoo)',
  licence: 'MIT (ONNX model zoo, EfficientNet-Lite4 trained on ImageNet)',
  url: 'https://github.com/onnx/models/raw/main/validated/vision/classification/efficientnet-lite4/model/efficientnet-lite4-11.onnx',
  sizeBytes: 51_946_641,
  sha256: 'd111689907c06eea7c82e4833ddef758da6453b9d4cf60b7e99ca05c7cbd9c12',
  input: {
    name: 'image',
    width: 224,
    height: 224,
    layout: 'NHWC',
    colourOrder: 'RGB',
    resize: 'stretch',
    scale: 1,
    mean: [127, 127, 127],
    std: [128, 128, 128],
  },
  cut: { at: 'last-average-pool', output: 'embedding', size: 1280 },
};

/** Every backbone Loupe offers to download. */
export const DOWNLOADABLE_BACKBONES: readonly PinnedBackbone[] = [ONNX_ZOO_MOBILENET_V2, ONNX_ZOO_EFFICIENTNET_LITE4];

/** The URL to fetch `entry` from: its own, or the same file name under `mirror` (a base URL). */
export function downloadUrl(entry: PinnedBackbone, mirror?: string): string {
  if (!mirror) return entry.url;
  const fileName = new URL(entry.url).pathname.split('/').pop() ?? `${entry.id}.onnx`;
  return new URL(fileName, mirror.endsWith('/') ? mirror : `${mirror}/`).href;
}
