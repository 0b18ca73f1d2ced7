/**
 * Chooses a head's settings by validation inside the training data, then trains the head on all of
 * it. The search is staged to stay fast:
 *   1. the first hidden width (default 0: a linear head) over every learning rate × weight decay,
 *      all trained together in one step graph (fitHeads);
 *   2. each further width (default 256) with the learning rate and decay that won stage 1, for at
 *      most as many epochs as that winner ran (and STAGE_TWO_STEPS steps).
 * With few images (100 to 500: CROSS_VALIDATE_FROM, CROSS_VALIDATE_BELOW), or a class too rare for
 * one split to hold out FEWEST_HELD_OUT_PER_CLASS of it, each stage runs on SEARCH_FOLDS grouped
 * folds instead of one split, and a stronger decay joins stage 1.
 * Each trial stops early `patience` epochs after its held-out loss last improved; trials are ranked
 * by that best held-out loss (class-weighted, as trained: a proper score, steadier than F1 on a
 * small held-out set), ties by held-out F1 (softmax: macro-F1; sigmoid: micro-F1 at 0.5). The final
 * head is trained on every row for the winning trial's best epoch count.
 *
 * With too little data to hold some out (fewer than MIN_ROWS_TO_SEARCH rows, or a class with fewer
 * than MIN_PER_CLASS_TO_SEARCH examples) there is no search: DEFAULT_HEAD_SETTINGS, with enough
 * epochs for about FALLBACK_STEPS steps.
 */
import type { Provider } from '../ort';
import { batchSizes, fitHead, fitHeads, HeadSessions, type Rates, type ValidationScore } from './fitHead';
import { HeadModel } from './headModel';
import { prepareData, type HeadData } from './prepare';
import { classCounts, groupsByStratum, stratifiedGroupFolds, stratifiedSplit, type RowSplit } from './split';
import { DEFAULT_HEAD_SETTINGS } from './trainHead';

/**
 * Measured on backbone features of real photo, steel-surface and multi-label sets: learning rates
 * above 1e-3 stop within one to three epochs and never won; the decay that won ranged from 1e-3
 * to 1e-1; a hidden layer helped on the multi-label set only.
 */
export const DEFAULT_SEARCH = {
  hidden: [0, 256],
  learningRate: [3e-4, 1e-3],
  weightDecay: [1e-3, 1e-2, 1e-1],
} as const;

/**
 * Stage 2 runs at most as many epochs as stage 1's winner ran, and at most this many steps: a wider
 * head that needs much longer than the linear one to pay off is not worth its cost here (a step of
 * a 256-wide head on 1,792 features costs about five times a linear one's). On the real feature sets
 * measured, the hidden heads' best epochs came within 310 steps.
 */
export const STAGE_TWO_STEPS = 400;

/**
 * Below this many held-out images (groups) in the one validation split, one split's loss is too
 * noisy to pick an epoch count and a decay from (on hymenoptera's 49 held-out images the chosen
 * epochs ranged from 1 to 30 with the seed): the search then cross-validates over SEARCH_FOLDS
 * grouped folds instead, each trial scored by its mean best held-out loss over the folds and run for
 * the median of their best epochs. Above it the one split stands (k times the search's cost where
 * one split is already steady: a project of 500 images or more keeps the cost it had).
 */
export const CROSS_VALIDATE_BELOW = 100;
/**
 * Nor under this many images (groups) in all: the folds cost about five searches, which on the
 * smallest projects (tens of images, where the search already runs many short epochs) measured four
 * times the training of the generated test sets; their one split stays as it was.
 */
export const CROSS_VALIDATE_FROM = 100;
export const SEARCH_FOLDS = 5;
/**
 * Nor where the one split would hold out fewer than this many images (groups) of some class, on a
 * project of any size: a rare class's few held-out images (a defect type among hundreds of good
 * parts) then decide the class-weighted loss that picks the decay and the epochs, and a single
 * split leaves that choice to chance. Balanced projects of 500 images or more keep the one split.
 */
export const FEWEST_HELD_OUT_PER_CLASS = 10;
/**
 * Where the search cross-validates (few images, their features far outnumbering them), a stronger
 * decay is a candidate as well: there the held-out loss of the weaker ones turned up after a few
 * epochs, and on hymenoptera's and clothing-small's training images cross-validation chose it.
 * Not tried where the one split stands, whose search it would lengthen by a third.
 */
export const FEW_IMAGES_WEIGHT_DECAY = 1;

export const MIN_ROWS_TO_SEARCH = 20;
export const MIN_PER_CLASS_TO_SEARCH = 4;
export const FALLBACK_STEPS = 1000;

export interface SearchSpace {
  hidden?: readonly number[];
  learningRate?: readonly number[];
  weightDecay?: readonly number[];
}

export type TrainingPhase = 'search' | 'final';

/** Stage-1 trials train together, so their events interleave: one per trial still running, each epoch. */
export interface TrainingProgress {
  phase: TrainingPhase;
  /** 1-based trial number in the search; in the final phase, trials + 1. */
  trial: number;
  /** Search trials in all (0 when there is no search). */
  trials: number;
  /** 1-based epoch of the current run, and the most it may run. */
  epoch: number;
  epochs: number;
  /** Mean training loss of the epoch. */
  loss: number;
  /** Search only: the held-out scores after this epoch. */
  validation?: ValidationScore;
}

export interface AutoTrainHeadOptions extends HeadData {
  search?: SearchSpace;
  /**
   * No search: a head of these settings trained on every row (a retrain that keeps what an earlier
   * search chose on nearly the same rows). The batch size is the default for the rows.
   */
  fixed?: Pick<ChosenSettings, 'hidden' | 'learningRate' | 'weightDecay' | 'epochs'>;
  /** Most epochs per trial (default 100). */
  maxEpochs?: number;
  /** Epochs without a better held-out loss before a trial stops (default 8). */
  patience?: number;
  /** Share of each class held out for validation (default 0.2). */
  validationFraction?: number;
  /**
   * A group id per row: rows of one group (an image and its mirror, copies of one image) stay on
   * one side of the validation split, so early stopping never scores a row whose twin it trained on.
   */
  groups?: Int32Array;
  /**
   * Folds the search validates on: 1, the one split of `validationFraction`; k ≥ 2, k-fold
   * cross-validation (grouped and stratified like the split). Default: k = SEARCH_FOLDS (at most the
   * smallest class's groups) where the one split would hold out fewer than CROSS_VALIDATE_BELOW groups,
   * or fewer than FEWEST_HELD_OUT_PER_CLASS of some class, and there are CROSS_VALIDATE_FROM groups or
   * more, else 1.
   */
  folds?: number;
  /** Default: ⌈rows / 10⌉ clamped to [8, 64]. */
  batchSize?: number;
  /** Seeds the split, the initial weights and the shuffling (default 0). */
  seed?: number;
  /** Checked between steps; an aborted signal rejects with its reason (an AbortError by default). */
  signal?: AbortSignal;
  onProgress?: (progress: TrainingProgress) => void;
  /** Execution providers to try in order (default ['cpu']). */
  providers?: readonly Provider[];
  threads?: number;
}

export interface ChosenSettings {
  hidden: number;
  learningRate: number;
  weightDecay: number;
  epochs: number;
  batchSize: number;
  seed: number;
}

export interface TrialResult {
  /** 1: the first width over every learning rate × decay (trained together); 2: a further width. */
  stage: 1 | 2;
  settings: Omit<ChosenSettings, 'epochs'>;
  /** Epochs run before stopping, and the epoch that last improved the held-out loss (over folds: the most run, the median best). */
  epochsRun: number;
  bestEpoch: number;
  validation: ValidationScore;
  /** The best held-out loss on each fold (one split: one value), in fold order. */
  foldLosses: number[];
}

export interface AutoTrainHeadResult {
  model: HeadModel;
  settings: ChosenSettings;
  /** The winning trial's held-out scores (the means over the folds; `foldLosses`: its best loss on each fold, in fold order); null when the data was too small to search. */
  validation: (ValidationScore & { metric: 'macro-f1' | 'micro-f1'; trainRows: number; validationRows: number; folds: number; foldLosses: number[] }) | null;
  trials: TrialResult[];
  /** Why there was no search, when there was none. */
  fallback?: string;
  /** The execution provider training ran on. */
  provider: Provider | undefined;
  durationMs: number;
  /** Wall time of the search and of the final training. */
  timings: { searchMs: number; finalMs: number };
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
/** The middle value (the lower of the two middle ones for an even count). */
const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]!;

/**
 * Whether per-fold losses `candidate` are lower than `standing`'s (the same folds) by more than the
 * noise: their paired differences' mean exceeds its standard error.
 */
export function lowerPastNoise(candidate: readonly number[], standing: readonly number[]): boolean {
  if (candidate.length !== standing.length || candidate.length < 2) throw new RangeError('lowerPastNoise needs the losses of the same two or more folds');
  const gains = standing.map((loss, f) => loss - candidate[f]!);
  const gain = mean(gains);
  const spread = Math.sqrt(gains.reduce((sum, g) => sum + (g - gain) ** 2, 0) / (gains.length - 1) / gains.length);
  return gain > spread;
}

function better(a: TrialResult, b: TrialResult): boolean {
  if (a.validation.loss !== b.validation.loss) return a.validation.loss < b.validation.loss;
  return a.validation.f1 > b.validation.f1;
}

function candidates(name: string, values: readonly number[] | undefined, fallback: readonly number[], integer: boolean): number[] {
  const list = [...(values ?? fallback)];
  if (list.length === 0) throw new RangeError(`search.${name} needs at least one value`);
  for (const value of list) {
    if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value)) || (name === 'learningRate' && value === 0)) {
      throw new RangeError(`search.${name}: ${value} is not a valid value`);
    }
  }
  return list;
}

/** Why the data cannot be split for a search, or undefined when it can. */
function tooSmallToSearch(rows: number, counts: number[]): string | undefined {
  if (rows < MIN_ROWS_TO_SEARCH) return `${rows} samples (a search needs ${MIN_ROWS_TO_SEARCH})`;
  const present = counts.filter((count) => count > 0);
  const fewest = Math.min(...present);
  if (fewest < MIN_PER_CLASS_TO_SEARCH) return `a class has ${fewest} examples (a search needs ${MIN_PER_CLASS_TO_SEARCH} per class)`;
  return undefined;
}

export async function autoTrainHead(options: AutoTrainHeadOptions): Promise<AutoTrainHeadResult> {
  const started = performance.now();
  const { signal, onProgress } = options;
  signal?.throwIfAborted();
  const space = {
    hidden: candidates('hidden', options.search?.hidden, DEFAULT_SEARCH.hidden, true),
    learningRate: candidates('learningRate', options.search?.learningRate, DEFAULT_SEARCH.learningRate, false),
    weightDecay: candidates('weightDecay', options.search?.weightDecay, DEFAULT_SEARCH.weightDecay, false),
  };
  const maxEpochs = options.maxEpochs ?? 100;
  const patience = options.patience ?? 8;
  const fraction = options.validationFraction ?? 0.2;
  const seed = options.seed ?? DEFAULT_HEAD_SETTINGS.seed;
  if (!Number.isInteger(maxEpochs) || maxEpochs < 1) throw new RangeError(`maxEpochs must be an integer ≥ 1, not ${maxEpochs}`);
  if (!Number.isInteger(patience) || patience < 1) throw new RangeError(`patience must be an integer ≥ 1, not ${patience}`);
  if (!(fraction > 0 && fraction < 1)) throw new RangeError(`validationFraction must be in (0, 1), not ${fraction}`);
  if (options.folds !== undefined && (!Number.isInteger(options.folds) || options.folds < 1)) throw new RangeError(`folds must be an integer ≥ 1, not ${options.folds}`);

  const data = prepareData(options);
  const allRows = Int32Array.from({ length: data.rows }, (_, i) => i);
  const batchFor = (rows: number) => options.batchSize ?? Math.min(64, Math.max(8, Math.ceil(rows / 10)));
  const sessions = new HeadSessions(data.kind, { ...(options.providers ? { providers: options.providers } : {}), ...(options.threads === undefined ? {} : { threads: options.threads }) });
  const finish = async (settings: ChosenSettings, totalTrials: number): Promise<HeadModel> => {
    const fitted = await fitHead(sessions, data, settings, {
      rows: allRows,
      ...(signal ? { signal } : {}),
      onEpoch: (_head, epoch, loss) => onProgress?.({ phase: 'final', trial: totalTrials + 1, trials: totalTrials, epoch, epochs: settings.epochs, loss }),
    });
    return new HeadModel({
      spec: { kind: data.kind, hidden: settings.hidden, classes: data.classes, features: data.dims },
      parameters: fitted.parameters,
      standardisation: data.standardisation,
    });
  };

  try {
    if (options.fixed) {
      const { hidden, learningRate, weightDecay, epochs } = options.fixed;
      if (!Number.isInteger(hidden) || hidden < 0 || !(learningRate > 0) || !(weightDecay >= 0) || !Number.isInteger(epochs) || epochs < 1) {
        throw new RangeError(`fixed settings are not valid: ${JSON.stringify(options.fixed)}`);
      }
      const settings: ChosenSettings = { hidden, learningRate, weightDecay, epochs, batchSize: batchFor(data.rows), seed };
      const model = await finish(settings, 0);
      const ms = performance.now() - started;
      return { model, settings, validation: null, trials: [], fallback: 'settings given', provider: sessions.provider, durationMs: ms, timings: { searchMs: 0, finalMs: ms } };
    }
    const reason = tooSmallToSearch(data.rows, classCounts(data, allRows));
    const split = reason ? undefined : stratifiedSplit(data, fraction, seed, options.groups);
    if (!split || split.validation.length === 0) {
      const batchSize = batchFor(data.rows);
      const steps = batchSizes(data.rows, batchSize).length;
      const settings: ChosenSettings = {
        hidden: DEFAULT_HEAD_SETTINGS.hidden,
        learningRate: DEFAULT_HEAD_SETTINGS.learningRate,
        weightDecay: DEFAULT_HEAD_SETTINGS.weightDecay,
        epochs: Math.min(500, Math.max(20, Math.ceil(FALLBACK_STEPS / steps))),
        batchSize,
        seed,
      };
      const finalStarted = performance.now();
      const model = await finish(settings, 0);
      return {
        model,
        settings,
        validation: null,
        trials: [],
        fallback: reason ?? 'no sample could be held out',
        provider: sessions.provider,
        durationMs: performance.now() - started,
        timings: { searchMs: 0, finalMs: performance.now() - finalStarted },
      };
    }

    // One split, or k folds where the one split's held-out images are too few to steady the choice.
    const { rowsOf, byStratum } = groupsByStratum(data, options.groups);
    const fewestGroups = Math.min(...[...byStratum.values()].map((ids) => ids.length));
    const heldOut = new Set(Array.from(split.validation, (row) => (options.groups ? options.groups[row]! : row)));
    const fewestHeldOut = Math.min(...[...byStratum.values()].map((ids) => ids.filter((id) => heldOut.has(id)).length));
    const fewImages = (heldOut.size < CROSS_VALIDATE_BELOW || fewestHeldOut < FEWEST_HELD_OUT_PER_CLASS) && rowsOf.size >= CROSS_VALIDATE_FROM;
    const folds = Math.min(options.folds ?? (fewImages ? SEARCH_FOLDS : 1), fewestGroups);
    const splits: RowSplit[] = folds >= 2 ? stratifiedGroupFolds(data, folds, seed, options.groups) : [split];
    const batchSize = batchFor(splits[0]!.train.length);
    const [firstHidden, ...otherHidden] = space.hidden as [number, ...number[]];
    const decays = splits.length > 1 && !options.search?.weightDecay && !space.weightDecay.includes(FEW_IMAGES_WEIGHT_DECAY) ? [...space.weightDecay, FEW_IMAGES_WEIGHT_DECAY] : space.weightDecay;
    const stageOneRates = space.learningRate.flatMap((learningRate) => decays.map((weightDecay) => ({ learningRate, weightDecay })));
    const totalTrials = stageOneRates.length + otherHidden.length;
    const trials: TrialResult[] = [];
    /** Each trial's best held-out loss per fold, by its index in `trials`. */
    const foldLosses = new Map<number, number[]>();
    /** Trains heads of one width together, one per rate pair, on each fold; their trial numbers follow the trials so far. */
    const runStage = async (stage: 1 | 2, hidden: number, rates: readonly Rates[], epochs: number): Promise<void> => {
      const first = trials.length + 1;
      const perFold: Awaited<ReturnType<typeof fitHeads>>[] = [];
      for (const fold of splits) {
        perFold.push(
          await fitHeads(sessions, data, { hidden, epochs, batchSize, seed }, rates, {
            rows: fold.train,
            validation: { rows: fold.validation, patience },
            ...(signal ? { signal } : {}),
            onEpoch: (head, epoch, loss, validation) =>
              onProgress?.({ phase: 'search', trial: first + head, trials: totalTrials, epoch, epochs, loss, ...(validation ? { validation } : {}) }),
          }),
        );
      }
      rates.forEach((rate, k) => {
        const results = perFold.map((fitted) => fitted[k]!);
        const bests = results.map((result) => result.best as NonNullable<typeof result.best>);
        const { learningRate, weightDecay } = rate;
        foldLosses.set(trials.length, bests.map((best) => best.loss));
        trials.push({
          stage,
          settings: { hidden, learningRate, weightDecay, batchSize, seed },
          epochsRun: Math.max(...results.map((result) => result.epochs)),
          bestEpoch: median(bests.map((best) => best.epoch)),
          validation: { loss: mean(bests.map((best) => best.loss)), f1: mean(bests.map((best) => best.f1)) },
          foldLosses: bests.map((best) => best.loss),
        });
      });
    };

    const searchStarted = performance.now();
    await runStage(1, firstHidden, stageOneRates, maxEpochs);
    const stageOne = trials.reduce((best, trial) => (better(trial, best) ? trial : best));
    const stepsPerEpoch = batchSizes(splits[0]!.train.length, batchSize).length;
    const stageTwoEpochs = Math.min(maxEpochs, Math.max(patience + 2, stageOne.epochsRun), Math.ceil(STAGE_TWO_STEPS / stepsPerEpoch));
    for (const hidden of otherHidden) await runStage(2, hidden, [stageOne.settings], stageTwoEpochs);
    const searchMs = performance.now() - searchStarted;
    // Over folds, a wider head replaces stage 1's winner only where its loss is lower on the folds
    // by more than the noise (the paired differences' standard error): a hair's difference is no
    // reason for a head with more to overfit (one split gives no such measure: the lower loss wins).
    const clearlyLower = (a: TrialResult, b: TrialResult) => splits.length < 2 || lowerPastNoise(foldLosses.get(trials.indexOf(a))!, foldLosses.get(trials.indexOf(b))!);
    const winner = trials.reduce((best, trial) => (better(trial, best) && (trial.stage === 1 || clearlyLower(trial, best)) ? trial : best), stageOne);
    const settings: ChosenSettings = { ...winner.settings, epochs: winner.bestEpoch };
    const finalStarted = performance.now();
    const model = await finish(settings, totalTrials);
    return {
      model,
      settings,
      validation: {
        ...winner.validation,
        metric: data.kind === 'softmax' ? 'macro-f1' : 'micro-f1',
        trainRows: splits[0]!.train.length,
        validationRows: splits[0]!.validation.length,
        folds: splits.length,
        foldLosses: foldLosses.get(trials.indexOf(winner))!,
      },
      trials,
      provider: sessions.provider,
      durationMs: performance.now() - started,
      timings: { searchMs, finalMs: performance.now() - finalStarted },
    };
  } finally {
    await sessions.release();
  }
}
