/**
 * Adam, once for every training-step graph (classification heads, detection heads and the
 * fine-tuned backbone tail): the update as graph nodes, and on the host the parameters and their
 * moments kept between steps as the step graph's inputs.
 *
 * (t counts steps from 1)  m ← β1·m + (1 − β1)·g,  v ← β2·v + (1 − β2)·g²,
 *   θ ← θ − lr / (1 − β1^t) · m / (√(v / (1 − β2^t)) + ε)
 * with the bias corrections folded into scalars (the same update, fewer passes over the
 * parameters): lr/c1 · m/(√(v/c2) + ε) = (lr·√c2/c1) · m/(√v + ε·√c2).
 *
 * A parameter `p` goes in with its moments `m_p` and `v_p` and comes back as `p_next`, `m_p_next`
 * and `v_p_next`.
 */
import type { GraphBuilder, ValueRef } from '../onnx';
import type { TensorInput, TensorOutput } from '../ort';

/** Adam's constants, baked into the step graphs. */
export const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } as const;

/** The names Adam adds to a step graph's inputs and outputs. */
export const ADAM_NAMES = {
  moment1: (parameter: string) => `m_${parameter}`,
  moment2: (parameter: string) => `v_${parameter}`,
  next: (name: string) => `${name}_next`,
} as const;

/** What every update of one step shares: the constants and the bias corrections of step `t`. */
export interface AdamStep {
  beta1: ValueRef;
  beta2: ValueRef;
  oneMinusBeta1: ValueRef;
  oneMinusBeta2: ValueRef;
  correction1: ValueRef;
  rootCorrection2: ValueRef;
  scaledEpsilon: ValueRef;
}

/** Adam's scalars for step `t` (a float input counted from 1). */
export function adamStep(g: GraphBuilder, t: ValueRef): AdamStep {
  const one = g.float('adam_one', 1);
  const beta1 = g.float('beta1', ADAM.beta1);
  const beta2 = g.float('beta2', ADAM.beta2);
  const rootCorrection2 = g.op('Sqrt', [g.op('Sub', [one, g.op('Pow', [beta2, t])])]);
  return {
    beta1,
    beta2,
    oneMinusBeta1: g.float('one_minus_beta1', 1 - ADAM.beta1),
    oneMinusBeta2: g.float('one_minus_beta2', 1 - ADAM.beta2),
    correction1: g.op('Sub', [one, g.op('Pow', [beta1, t])]),
    rootCorrection2,
    scaledEpsilon: g.op('Mul', [g.float('epsilon', ADAM.epsilon), rootCorrection2]),
  };
}

/** The step size lr·√c2/c1 for a learning rate (a scalar, or one per head). */
export function adamStepSize(g: GraphBuilder, step: AdamStep, lr: ValueRef): ValueRef {
  return g.op('Div', [g.op('Mul', [lr, step.rootCorrection2]), step.correction1]);
}

export interface AdamUpdate {
  name: string;
  param: ValueRef;
  grad: ValueRef;
  m: ValueRef;
  v: ValueRef;
  /** adamStepSize(…), shaped to broadcast over the parameter. */
  stepSize: ValueRef;
  shape: readonly (number | string)[];
}

/** One Adam update of a parameter: declares the outputs `name_next`, `m_name_next` and `v_name_next`. */
export function adamUpdate(g: GraphBuilder, step: AdamStep, { name, param, grad, m, v, stepSize, shape }: AdamUpdate): void {
  const n = ADAM_NAMES;
  const mNext = g.op('Add', [g.op('Mul', [step.beta1, m]), g.op('Mul', [step.oneMinusBeta1, grad])], {}, { outputs: [n.next(n.moment1(name))] });
  const vNext = g.op('Add', [g.op('Mul', [step.beta2, v]), g.op('Mul', [step.oneMinusBeta2, g.op('Mul', [grad, grad])])], {}, { outputs: [n.next(n.moment2(name))] });
  const denominator = g.op('Add', [g.op('Sqrt', [vNext]), step.scaledEpsilon]);
  const update = g.op('Mul', [g.op('Div', [mNext, denominator]), stepSize]);
  g.output(g.op('Sub', [param, update], {}, { outputs: [n.next(name)] }), 'float32', [...shape]);
  g.output(mNext, 'float32', [...shape]);
  g.output(vNext, 'float32', [...shape]);
}

/**
 * The host side: parameters and their moments (zero at the start) as step-graph inputs (`feeds`),
 * replaced by the step's outputs after each step (`take`).
 */
export class AdamState {
  readonly feeds: Record<string, TensorInput> = {};
  readonly names: string[];

  constructor(parameters: Iterable<readonly [string, { data: Float32Array; dims: readonly number[] }]>) {
    this.names = [];
    for (const [name, { data, dims }] of parameters) {
      this.names.push(name);
      this.feeds[name] = { data, dims };
      this.feeds[ADAM_NAMES.moment1(name)] = { data: new Float32Array(data.length), dims };
      this.feeds[ADAM_NAMES.moment2(name)] = { data: new Float32Array(data.length), dims };
    }
  }

  /** A parameter's current values. */
  get(name: string): Float32Array {
    return this.feeds[name]!.data as Float32Array;
  }

  /** After a step: each parameter and moment becomes its `_next` output. */
  take(outputs: Record<string, TensorOutput>): void {
    for (const name of this.names) {
      for (const input of [name, ADAM_NAMES.moment1(name), ADAM_NAMES.moment2(name)]) {
        this.feeds[input]!.data = outputs[ADAM_NAMES.next(input)]!.data as Float32Array;
      }
    }
  }
}

/**
 * A moving average of an AdamState's parameters, kept at (t + 1) / (t + 10) at step t (1, 2, …):
 * each step's weights count about 9 / t, so after T steps step j weighs about 9 j⁸ / T⁹, 87 % of it
 * on the last fifth of the run (polynomial-decay averaging). The last step's weights move with the
 * last batches, the average less. The steps never read it; what a training returns is read from it.
 */
export class WeightAverage {
  private readonly averaged = new Map<string, Float32Array>();

  constructor(private readonly state: AdamState) {
    for (const name of state.names) this.averaged.set(name, Float32Array.from(state.get(name)));
  }

  /** How much of the average is kept at step `t`. */
  static keep(t: number): number {
    return (t + 1) / (t + 10);
  }

  /** After step `t` (counted from 1) has been taken into the state. */
  update(t: number): void {
    const keep = WeightAverage.keep(t);
    for (const [name, values] of this.averaged) {
      const current = this.state.get(name);
      for (let i = 0; i < values.length; i++) values[i] = keep * values[i]! + (1 - keep) * current[i]!;
    }
  }

  /** A parameter's averaged values (updated in place: copy what must outlive the next step). */
  get(name: string): Float32Array {
    return this.averaged.get(name)!;
  }
}
