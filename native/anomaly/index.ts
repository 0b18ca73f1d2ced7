/**
 * native/anomaly — good-only anomaly detection (PatchCore): patch features from a backbone's middle
 * maps, a greedy-coreset memory bank, nearest-neighbour patch scores, an image score and a smoothed
 * anomaly map, all inside one ONNX graph; the threshold from held-out good images.
 */

/** trainAnomalyModel({ backbone, spec, view, good, anomalous?, ... }) → the whole model graph, its threshold and validation figures. */
export { betterCandidate, PATCH_DIMS, scoreImages, scoreImagesBoth, scoreImagesGrown, trainAnomalyModel, type AnomalyTrainOptions, type AnomalyTrainResult, type CandidateResult, type ImageSource } from './train';

/** greedyCoreset(rows [N, D], D, { size, selectionDims, seed }) → picked row indices; randomProjection; gatherRows. */
export { gatherRows, greedyCoreset, project, randomProjection, type CoresetOptions } from './coreset';

/** The graphs: features (candidate layer sets), scoring against a bank (as initializers or inputs), bank neighbours; PATCH_NAMES. */
export { addScoring, bankRefs, buildAnomalyGraph, buildFeatureGraph, buildNeighbourGraph, buildScoringGraph, gaussianTaps, PATCH_NAMES, REWEIGHT_NEIGHBOURS, type Bank, type FeatureLayers, type ImageScore, type PlaceStandard } from './patchGraph';

/** goodOnlyThreshold(held-out good scores, { falseRejectRate, marginErrors }) (a log-normal tail where the scores are few); bestF1AnomalyThreshold; auroc; prfAt; quantileOf; normalQuantile. */
export { auroc, aurocStandardError, bestF1AnomalyThreshold, goodOnlyThreshold, normalQuantile, prfAt, quantileOf, type GoodOnlyOptions, type GoodOnlyThreshold } from './threshold';

/** candidateMaps(model, spec): the middle output's spatial map and a finer one; pooledMap(model, output). */
export { candidateMaps, pooledMap, type MapInfo } from './layers';

/** withLikeRealDefect(image, random, { donor }): a thin crack, small pits or a texture patch from another good image, for validation without anomalies. */
export { withLikeRealDefect, type LikeRealKind, type LikeRealOptions } from './synthetic';
