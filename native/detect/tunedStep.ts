/**
 * What the two fine-tuning steps share (finetune.ts for the detector, tunedClassifier.ts for the
 * classifier): a linear head W [D, outputs], b [outputs] on the backbone tail's features, every
 * parameter with its two Adam moments as inputs, the step count, two learning rates (the head's,
 * the tail's) and the head's weight decay; the tail run forward from the cut rows; and after the
 * head's own loss and gradients, the tail's hand-derived backward pass and Adam on everything.
 */
import { GraphBuilder, type Dim, type ValueRef } from '../onnx';
import { ADAM_NAMES, AdamState, adamStep, adamStepSize, adamUpdate } from '../train';
import { tailBackward, tailForward, tailParameters, type BackboneTail, type MapSize } from './tail';

/** The inputs' names that both steps use (their own name tables spread these). */
export const TUNED_STEP_NAMES = {
  step: 't',
  learningRate: 'learningRate',
  tailLearningRate: 'tailLearningRate',
  weightDecay: 'weightDecay',
  ...ADAM_NAMES,
} as const;

export interface TunedStep {
  /** The head's weights [D, outputs] and bias [outputs]. */
  W: ValueRef;
  b: ValueRef;
  weightDecay: ValueRef;
  /** The head's further parameters (tunedStep's `extra`), by name. */
  extra: Map<string, ValueRef>;
  /** Every value the tail computes from the cut rows (tailForward); the features are `values.get(tail.output)`. */
  values: Map<string, ValueRef>;
  /**
   * Adam on every parameter: the head's gradients `gW`, `gb` at the learning rate, and the tail's
   * (from `df`, dL/d(feature rows), through tailBackward) at the tail's. `df` is only asked for when
   * the tail has parameters. `extraGrads`: the gradients of the head's further parameters (at the
   * head's learning rate).
   */
  update(gW: ValueRef, gb: ValueRef, df: () => ValueRef, extraGrads?: ReadonlyMap<string, ValueRef>): void;
}

/**
 * Declares the parameters' inputs (after whatever inputs `g` already has) and runs the tail forward
 * from the cut rows `x` [rows, tail.cutChannels]. `frozen`: the tail keeps the backbone's weights
 * (constants of the graph, no backward pass through it, no tail learning rate): the head alone is
 * trained on the tail's features, computed from the same cached cut maps. `extra`: further head
 * parameters by name and dims (inputs with their Adam moments, updated at the head's rate).
 */
export function tunedStep(g: GraphBuilder, tail: BackboneTail, map: MapSize, x: ValueRef, outputs: Dim, frozen = false, extra: ReadonlyMap<string, Dim[]> = new Map()): TunedStep {
  const n = TUNED_STEP_NAMES;
  const shapes = new Map<string, Dim[]>([
    ['W', [tail.channels, outputs]],
    ['b', [outputs]],
    ...extra,
  ]);
  const parameters = frozen ? [] : tailParameters(tail);
  for (const parameter of parameters) shapes.set(parameter.name, parameter.dims);
  const params = new Map<string, ValueRef>();
  const m = new Map<string, ValueRef>();
  const v = new Map<string, ValueRef>();
  for (const [name, shape] of shapes) params.set(name, g.input(name, 'float32', shape));
  for (const [name, shape] of shapes) m.set(name, g.input(n.moment1(name), 'float32', shape));
  for (const [name, shape] of shapes) v.set(name, g.input(n.moment2(name), 'float32', shape));
  const t = g.input(n.step, 'float32', []);
  const lr = g.input(n.learningRate, 'float32', []);
  const tailLr = frozen ? undefined : g.input(n.tailLearningRate, 'float32', []);
  const weightDecay = g.input(n.weightDecay, 'float32', []);
  const byInitializer = new Map(
    frozen
      ? tailParameters(tail).map((parameter) => [parameter.initializer, g.initializer(parameter.name, tail.initial.get(parameter.initializer)!, parameter.dims)] as const)
      : parameters.map((parameter) => [parameter.initializer, params.get(parameter.name)!] as const),
  );
  const values = tailForward(g, tail, x, byInitializer, map);
  const update = (gW: ValueRef, gb: ValueRef, df: () => ValueRef, extraGrads: ReadonlyMap<string, ValueRef> = new Map()) => {
    const grads = new Map<string, ValueRef>([
      ['W', gW],
      ['b', gb],
      ...extraGrads,
    ]);
    if (parameters.length > 0) {
      const tailGrads = tailBackward(g, tail, values, df(), byInitializer, map);
      for (const parameter of parameters) grads.set(parameter.name, tailGrads.get(parameter.initializer)!);
    }
    const adam = adamStep(g, t);
    const headStep = adamStepSize(g, adam, lr);
    const tailStep = tailLr ? adamStepSize(g, adam, tailLr) : headStep;
    for (const [name, shape] of shapes) {
      adamUpdate(g, adam, { name, param: params.get(name)!, grad: grads.get(name)!, m: m.get(name)!, v: v.get(name)!, stepSize: name === 'W' || name === 'b' || extra.has(name) ? headStep : tailStep, shape });
    }
  };
  return { W: params.get('W')!, b: params.get('b')!, weightDecay, extra: new Map([...extra.keys()].map((name) => [name, params.get(name)!])), values, update };
}

/** A graph that runs the tail forward from cut rows `x` [rows, tail.cutChannels] with `weights` as initializers (default: the backbone's). */
export function tailGraph(name: string, tail: BackboneTail, map: MapSize, weights: ReadonlyMap<string, Float32Array> = tail.initial): { g: GraphBuilder; values: Map<string, ValueRef> } {
  const g = new GraphBuilder(name);
  const x = g.input('x', 'float32', ['rows', tail.cutChannels]);
  const params = new Map<string, ValueRef>(tailParameters(tail).map((parameter) => [parameter.initializer, g.initializer(parameter.name, weights.get(parameter.initializer)!, parameter.dims)]));
  return { g, values: tailForward(g, tail, x, params, map) };
}

/**
 * Adam's state for the step's parameters: the head's `W` [D, outputs] and `b` as given, its `extra`
 * ones as given, the tail's from the backbone (none when `frozen`).
 */
export function tunedAdamState(tail: BackboneTail, W: Float32Array, b: Float32Array, frozen = false, extra: readonly [string, { data: Float32Array; dims: number[] }][] = []): AdamState {
  const outputs = b.length;
  const entries: [string, { data: Float32Array; dims: number[] }][] = [
    ['W', { data: W, dims: [tail.channels, outputs] }],
    ['b', { data: b, dims: [outputs] }],
    ...extra,
  ];
  for (const parameter of frozen ? [] : tailParameters(tail)) entries.push([parameter.name, { data: Float32Array.from(tail.initial.get(parameter.initializer)!), dims: parameter.dims }]);
  return new AdamState(entries);
}
