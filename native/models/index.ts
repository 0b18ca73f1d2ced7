/**
 * native/models — the backbone registry: each backbone's spec (input size, layout, colour order,
 * normalisation, feature outputs, licence, source), the default backbones built at install, tensor
 * preparation from decoded pixels, and the check that a user's ONNX file fits its spec.
 */

/** ModelSpec and its parts; parseModelSpec(json) checks untrusted specs (throws ModelSpecError); inputDims(spec, n). */
export { inputDims, ModelSpecError, parseModelSpec } from './modelSpec';
export type { FeatureOutput, ModelInputSpec, ModelSource, ModelSpec } from './modelSpec';

/** DEFAULT_BACKBONES (default first), DEFAULT_BACKBONE_ID, defaultBackboneSpec(id), and the specs themselves. */
export { DEFAULT_BACKBONE_ID, DEFAULT_BACKBONES, defaultBackboneSpec, NSFWJS_MOBILENET_V2_100, NSFWJS_MOBILENET_V2_140 } from './registry';

/** toModelInput(rgb, spec): Float32Array [h, w, 3] or [3, h, w]; toModelBatch(rgbs, spec): { data, dims } — resized, normalised; mirrorPixels(rgb). */
export { mirrorPixels, toModelBatch, toModelInput, type RgbPixels } from './modelInput';

/** validateBackbone(bytes | path, spec) → { ok, problems, warnings }: inputs and outputs against the spec. */
export { validateBackbone, type BackboneCheck } from './validateBackbone';

/** readBuiltBackbone(folder, id) → { spec, sha256, converterVersion, modelPath } | undefined; builtBackbonePaths; sidecarJson. */
export { builtBackbonePaths, readBuiltBackbone, sidecarJson, type BuiltBackbone } from './builtBackbone';

/** DOWNLOADABLE_BACKBONES: pinned ImageNet backbones (URL, size, SHA-256, input spec, feature cut); downloadUrl(entry, mirror?). */
export { DOWNLOADABLE_BACKBONES, downloadUrl, ONNX_ZOO_EFFICIENTNET_LITE4, ONNX_ZOO_MOBILENET_V2, type FeatureCut, type PinnedBackbone } from './catalogue';

/** downloadPinned({ url, dest, sizeBytes, sha256, signal, idleTimeoutMs, onProgress }): streamed, hashed, checked; throws DownloadError. */
export { DownloadError, downloadPinned, type DownloadFailure, type PinnedDownload } from './download';

/** cutAtAveragePool(model, cut, inputName) → { model, poolNode, originalInput, prunedNodes }: a classifier's embedding as its only output. */
export { cutAtAveragePool, FeatureCutError, type CutResult } from './featureCut';
