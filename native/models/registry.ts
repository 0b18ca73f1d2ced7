/**
 * The default backbones: built at install from TF.js weights inside the nsfwjs package (no weights in
 * the repository) and checked against TF.js by test/native/convert. Preprocessing is nsfwjs's own:
 * RGB scaled to [0, 1] (the 1.4 graph model maps that to [−1, 1] inside its graph). Layer names are
 * the source models' own; see README.md for what each output is.
 */
import type { ModelInputSpec, ModelSpec } from './modelSpec';

// What a user reads beside the backbone (issue 15: "retrained on NSFW classes" said nothing about
// what it is good at). The provenance stays in README.md.
const NSFWJS_LICENCE =
  'MIT (nsfwjs, © 2019 Infinite Red, Inc.); general-purpose MobileNetV2 image features, from ImageNet weights published under Apache-2.0';

/** nsfwjs's own preprocessing: 224 × 224 RGB, pixel / 255. */
function nsfwjsInput(): ModelInputSpec {
  return { name: 'image', width: 224, height: 224, layout: 'NHWC', colourOrder: 'RGB', resize: 'stretch', scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1] };
}

/** MobileNetV2, width 1.4 (TF Hub feature vector inside nsfwjs's "MobileNetV2Mid" graph model). */
export const NSFWJS_MOBILENET_V2_140: ModelSpec = {
  id: 'nsfwjs-mobilenet-v2-140',
  title: 'MobileNetV2 1.4 (nsfwjs)',
  fileName: 'nsfwjs-mobilenet-v2-140.onnx',
  input: nsfwjsInput(),
  outputs: [
    { name: 'embedding', size: 1792, role: 'final', sourceLayer: 'MobilenetV2/Conv_1/Relu6', pooling: 'global-average' },
    { name: 'expanded_conv_13_expand', size: 816, role: 'middle', sourceLayer: 'MobilenetV2/expanded_conv_13/expand/Relu6', pooling: 'global-average' },
  ],
  licence: NSFWJS_LICENCE,
  source: { kind: 'npm', package: 'nsfwjs', version: '4.3.0', model: 'mobilenet_v2_mid', format: 'graph-model' },
};

/** MobileNetV2, width 1.0 (Keras layers model, nsfwjs's default "MobileNetV2"): smaller and faster. */
export const NSFWJS_MOBILENET_V2_100: ModelSpec = {
  id: 'nsfwjs-mobilenet-v2-100',
  title: 'MobileNetV2 1.0 (nsfwjs)',
  fileName: 'nsfwjs-mobilenet-v2-100.onnx',
  input: nsfwjsInput(),
  outputs: [
    { name: 'embedding', size: 1280, role: 'final', sourceLayer: 'out_relu', pooling: 'global-average' },
    { name: 'block_13_expand', size: 576, role: 'middle', sourceLayer: 'block_13_expand_relu', pooling: 'global-average' },
  ],
  licence: NSFWJS_LICENCE,
  source: { kind: 'npm', package: 'nsfwjs', version: '4.3.0', model: 'mobilenet_v2', format: 'layers-model' },
};

/** Every backbone built at install, default first. */
export const DEFAULT_BACKBONES: readonly ModelSpec[] = [NSFWJS_MOBILENET_V2_140, NSFWJS_MOBILENET_V2_100];

/** The backbone training uses unless told otherwise (issue 5 §1.1 measured this one). */
export const DEFAULT_BACKBONE_ID = NSFWJS_MOBILENET_V2_140.id;

/** A default backbone's spec by id. */
export function defaultBackboneSpec(id: string): ModelSpec | undefined {
  return DEFAULT_BACKBONES.find((spec) => spec.id === id);
}
