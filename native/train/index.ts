/**
 * native/train — classification heads trained by training-step ONNX graphs (forward, hand-derived
 * backward, Adam) run by ONNX Runtime on frozen backbone features.
 */

/** autoTrainHead(options): settings chosen by a validation split (or folds, for few images) inside the data, then a head trained on all of it. */
export {
  autoTrainHead,
  CROSS_VALIDATE_BELOW,
  CROSS_VALIDATE_FROM,
  DEFAULT_SEARCH,
  FALLBACK_STEPS,
  FEW_IMAGES_WEIGHT_DECAY,
  lowerPastNoise,
  MIN_PER_CLASS_TO_SEARCH,
  MIN_ROWS_TO_SEARCH,
  SEARCH_FOLDS,
  STAGE_TWO_STEPS,
  type AutoTrainHeadOptions,
  type AutoTrainHeadResult,
  type ChosenSettings,
  type SearchSpace,
  type TrainingPhase,
  type TrainingProgress,
  type TrialResult,
} from './autoTrainHead';

/** trainHead(options): one head with given settings → HeadModel. */
export { DEFAULT_HEAD_SETTINGS, trainHead, type TrainHeadOptions } from './trainHead';

/** HeadModel: predict(features), toInferenceGraph(builder, features), headSpec(), toModel(), toData()/fromData(). */
export {
  HeadModel,
  parameterDims,
  type HeadModelData,
  type HeadParameters,
  type HeadSpec,
  type InferenceGraphOptions,
  type PredictOptions,
  type Standardisation,
} from './headModel';

/** Adam, once for every step graph: the update's nodes and the parameters and moments kept on the host. */
export { ADAM, ADAM_NAMES, adamStep, adamStepSize, adamUpdate, AdamState, WeightAverage, type AdamStep, type AdamUpdate } from './adam';

/** The graphs themselves (the training step and the parameters-as-inputs forward pass), for tests and tools. */
export {
  buildHeadForwardGraph,
  buildHeadStepGraph,
  FORWARD_OUTPUT,
  headForwardModel,
  headParameterNames,
  headStepModel,
  STEP_NAMES,
  type HeadKind,
} from './headGraphs';

export type { ValidationScore } from './fitHead';
export { classBalanceWeights, MAX_POSITIVE_WEIGHT, type HeadData } from './prepare';

/** createRandom(seed): seeded uniform numbers, integers and shuffles; deriveSeed(seed, purpose): independent streams. */
export { createRandom, deriveSeed, type Random } from './random';
