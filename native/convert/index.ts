/**
 * native/convert — build-time TF.js → ONNX conversion for the default backbones. Run by the models
 * build script (build.ts), never loaded by the app at run time.
 */

/** buildDefaultBackbones(folder, { force, specs, log }) → [{ id, path, sha256, built }]; convertBackbone(spec) → .onnx bytes. */
export { buildDefaultBackbones, convertBackbone, CONVERTER_VERSION, type BuildOptions, type BuiltModel } from './buildDefaultBackbones';

/** convertTfjsModel(artifacts, { inputName, outputs: [{ name, from, pool }], metadata }) → OnnxModel (NHWC input, NCHW inside). */
export { convertTfjsModel, type ConvertOptions } from './convertTfjsModel';
export type { OutputRequest } from './kerasLayers';

/** decodeWeights(manifest, bytes): TF.js weights (uint8/uint16/float16 dequantized) by name; formatOf(modelJson). */
export { decodeWeights, formatOf, type TfjsArtifacts, type TfjsFormat, type Weight, type WeightSpec } from './tfjsArtifacts';

/** loadNsfwjsModel('mobilenet_v2' | 'mobilenet_v2_mid') → artifacts; nsfwjsVersion(). */
export { loadNsfwjsModel, nsfwjsVersion, type NsfwjsModel } from './nsfwjsSource';
