/**
 * One training step of a classification head as ONE ONNX graph: forward, loss, a hand-derived
 * backward pass and an Adam update. The parameters and Adam moments go in as inputs and come back
 * updated as outputs, so the caller keeps them between steps and feeds them back.
 *
 * Every parameter has a `trials` axis: K heads of the same shape, each with its own learning rate
 * and weight decay, take the same step on the same batch in one run (K = 1 for plain training). A
 * search over learning rates and decays then costs about one run per step instead of K, which
 * matters because a small head's step is mostly fixed cost. The first layer keeps the heads side by
 * side — W1 [D, K, W] — so that x·W1 for all of them is one [B, D]·[D, K·W] product.
 *
 * Head k (on standardised features x [B, D]):
 *   linear:  z = x·W1 + b1                                   W1 [D, K, C], b1 [K, C]
 *   hidden:  a = x·W1 + b1, h = relu(a), z = h·W2 + b2        W1 [D, K, H], b1 [K, H], W2 [K, H, C], b2 [K, C]
 *   (activations are laid out [B, K, ·]).
 *
 * Losses, weighted by the per-sample weights s [B] (S = Σ s):
 *   softmax: L = Σ_i s_i · (lse(z_i) − Σ_c y_ic z_ic) / S        y one-hot (or any rows summing to 1)
 *            dL/dz_i = s_i / S · (p_i · Σ_c y_ic − y_i),      p = softmax(z)
 *   sigmoid: ℓ_ic = pw_c · y_ic · softplus(−z_ic) + (1 − y_ic) · softplus(z_ic)
 *            L = Σ_i s_i · Σ_c ℓ_ic / (S · C)                 y multi-hot, pw [C] positive weights
 *            dℓ/dz = pw · y · (σ(z) − 1) + (1 − y) · σ(z)
 *   lse and softplus use their stable forms: lse(z) = max z + log Σ exp(z − max z),
 *   softplus(z) = relu(z) + log(1 + exp(−|z|)), softplus(−z) = softplus(z) − z.
 *
 * Weight decay is L2 in the gradient (the objective is L + λ/2 · Σ‖W‖² over the weight matrices,
 * not the biases), so the optimum is that of an L2-regularised head; `loss` [K] reports L alone.
 *
 * Backward:   gW_out = hᵀ·dz + λ·W_out,  gb_out = Σ_i dz
 *   hidden:   dh = dz·W2ᵀ,  da = dh ⊙ [a > 0],  gW1 = xᵀ·da + λ·W1,  gb1 = Σ_i da
 *
 * Adam (adam.ts), one learning rate per head.
 *
 * Every size (trials, batch, features, hidden, classes) is symbolic, so one session serves every
 * head of the same kind and depth.
 */
import { buildModel, encodeModel, GraphBuilder, type ValueRef } from '../onnx';
import { ADAM_NAMES, adamStep, adamStepSize, adamUpdate } from './adam';

export type HeadKind = 'softmax' | 'sigmoid';


/** The parameter names of a head, in the order the graphs take them: W1, b1 (, W2, b2). */
export function headParameterNames(hidden: number): string[] {
  return hidden > 0 ? ['W1', 'b1', 'W2', 'b2'] : ['W1', 'b1'];
}

/** Whether a parameter is a weight matrix (decayed) rather than a bias (not decayed). */
export function isWeightName(name: string): boolean {
  return name.startsWith('W');
}

/** Input and output names of the step and forward graphs. */
export const STEP_NAMES = {
  features: 'x',
  targets: 'y',
  sampleWeight: 'sampleWeight',
  positiveWeight: 'positiveWeight',
  step: 't',
  learningRate: 'learningRate',
  weightDecay: 'weightDecay',
  loss: 'loss',
  ...ADAM_NAMES,
} as const;

/** The output name of the forward graph: probabilities [B, K, C]. */
export const FORWARD_OUTPUT = 'probabilities';

/** Parameter shapes in symbolic dims: W1's width is `classes` for a linear head and `hidden` otherwise. */
function parameterShape(name: string, hidden: boolean): string[] {
  const width = hidden ? 'hidden' : 'classes';
  switch (name) {
    case 'W1':
      return ['features', 'trials', width];
    case 'b1':
      return ['trials', width];
    case 'W2':
      return ['trials', 'hidden', 'classes'];
    case 'b2':
      return ['trials', 'classes'];
    default:
      throw new Error(`unknown head parameter ${name}`);
  }
}

/** The axis of a parameter that runs over the heads trained together (W1 [D, K, W]: 1; the others: 0). */
export function trialAxis(name: string): 0 | 1 {
  return name === 'W1' ? 1 : 0;
}

interface Forward {
  /** Logits [B, K, C]. */
  z: ValueRef;
  /** Hidden pre-activation [B, K, H] and activation as [K, B, H] (hidden heads only). */
  a?: ValueRef;
  hByHead?: ValueRef;
}

function forward(g: GraphBuilder, x: ValueRef, params: Record<string, ValueRef>, hidden: boolean): Forward {
  const W1 = params.W1 as ValueRef;
  const b1 = params.b1 as ValueRef;
  // [B, D]·[D, K·W] + [K·W] in one Gemm, then viewed as [B, K, W].
  const flat = g.op('Gemm', [x, g.op('Reshape', [W1, g.int64('shape_keep_flatten', [0, -1])]), g.op('Reshape', [b1, g.int64('shape_flatten', [-1])])]);
  const byHead = g.op('Concat', [g.op('Shape', [x], { start: 0, end: 1 }), g.op('Shape', [b1])], { axis: 0 });
  const first = g.op('Reshape', [flat, byHead]);
  if (!hidden) return { z: first };
  const h = g.op('Relu', [first]);
  const hByHead = g.op('Transpose', [h], { perm: [1, 0, 2] });
  const second = g.op('Add', [g.op('MatMul', [hByHead, params.W2 as ValueRef]), g.op('Unsqueeze', [params.b2 as ValueRef, g.int64('axis1_b2', [1])])]);
  return { a: first, hByHead, z: g.op('Transpose', [second], { perm: [1, 0, 2] }) };
}

/** A graph that runs one training step of K `kind` heads, linear or with one hidden layer. */
export function buildHeadStepGraph(kind: HeadKind, hidden: boolean): GraphBuilder {
  const g = new GraphBuilder(`${kind}_${hidden ? 'hidden' : 'linear'}_head_step`);
  const x = g.input(STEP_NAMES.features, 'float32', ['batch', 'features']);
  const y = g.input(STEP_NAMES.targets, 'float32', ['batch', 'classes']);
  const s = g.input(STEP_NAMES.sampleWeight, 'float32', ['batch']);
  const pw = kind === 'sigmoid' ? g.input(STEP_NAMES.positiveWeight, 'float32', ['classes']) : undefined;
  const names = headParameterNames(hidden ? 1 : 0);
  const params: Record<string, ValueRef> = {};
  const m: Record<string, ValueRef> = {};
  const v: Record<string, ValueRef> = {};
  for (const name of names) params[name] = g.input(name, 'float32', parameterShape(name, hidden));
  for (const name of names) m[name] = g.input(STEP_NAMES.moment1(name), 'float32', parameterShape(name, hidden));
  for (const name of names) v[name] = g.input(STEP_NAMES.moment2(name), 'float32', parameterShape(name, hidden));
  const t = g.input(STEP_NAMES.step, 'float32', []);
  const lr = g.input(STEP_NAMES.learningRate, 'float32', ['trials']);
  const wd = g.input(STEP_NAMES.weightDecay, 'float32', ['trials']);

  const axis0 = g.int64('axis0', [0]);
  const axis1 = g.int64('axis1', [1]);
  const axes02 = g.int64('axes02', [0, 2]);
  const axes12 = g.int64('axes12', [1, 2]);

  const { z, a, hByHead } = forward(g, x, params, hidden); // z [B, K, C]
  const yByHead = g.op('Unsqueeze', [y, axis1]); // [B, 1, C]
  const sColumn = g.op('Unsqueeze', [s, axes12]); // [B, 1, 1]
  const sTotal = g.op('ReduceSum', [s], { keepdims: 0 }); // scalar S

  let perSample: ValueRef; // [B, K, 1] per-sample loss
  let dz: ValueRef; // [B, K, C] dL/dz
  if (kind === 'softmax') {
    const lastAxis = g.int64('axis2', [2]);
    const classSum = (value: ValueRef) => g.op('ReduceSum', [value, lastAxis], { keepdims: 1 }); // [B, K, 1]
    const zMax = g.op('ReduceMax', [z], { axes: [2], keepdims: 1 });
    const shifted = g.op('Sub', [z, zMax]);
    const logSumExp = g.op('Log', [classSum(g.op('Exp', [shifted]))]);
    const logP = g.op('Sub', [shifted, logSumExp]);
    const p = g.op('Exp', [logP]);
    perSample = g.op('Neg', [classSum(g.op('Mul', [yByHead, logP]))]);
    const targetSum = g.op('ReduceSum', [yByHead, g.int64('axis2_targets', [2])], { keepdims: 1 }); // [B, 1, 1]
    const dLogits = g.op('Sub', [g.op('Mul', [p, targetSum]), yByHead]);
    dz = g.op('Mul', [dLogits, g.op('Div', [sColumn, sTotal])]);
  } else {
    const one = g.float('one', 1);
    const softplus = g.op('Add', [g.op('Relu', [z]), g.op('Log', [g.op('Add', [one, g.op('Exp', [g.op('Neg', [g.op('Abs', [z])])])])])]);
    const softplusNeg = g.op('Sub', [softplus, z]);
    const weightedY = g.op('Mul', [pw as ValueRef, yByHead]); // [B, 1, C]
    const notY = g.op('Sub', [one, yByHead]);
    const elementLoss = g.op('Add', [g.op('Mul', [weightedY, softplusNeg]), g.op('Mul', [notY, softplus])]);
    perSample = g.op('ReduceMean', [elementLoss], { axes: [2], keepdims: 1 });
    const sigma = g.op('Sigmoid', [z]);
    const dElement = g.op('Add', [g.op('Mul', [weightedY, g.op('Sub', [sigma, one])]), g.op('Mul', [notY, sigma])]);
    const classCount = g.op('Cast', [g.op('Squeeze', [g.op('Shape', [y], { start: 1, end: 2 })])], { to: 1 });
    dz = g.op('Mul', [dElement, g.op('Div', [sColumn, g.op('Mul', [sTotal, classCount])])]);
  }
  // Outputs are named where they are computed: an Identity to rename them would copy every tensor once more.
  const loss = g.op('Div', [g.op('ReduceSum', [g.op('Mul', [sColumn, perSample]), axes02], { keepdims: 0 }), sTotal], {}, { outputs: [STEP_NAMES.loss] });
  g.output(loss, 'float32', ['trials']);

  const decayFirst = g.op('Unsqueeze', [wd, axis1]); // [K, 1]: broadcasts over W1 [D, K, W]
  const decaySecond = g.op('Unsqueeze', [wd, axes12]); // [K, 1, 1]: broadcasts over W2 [K, H, C]
  const sumOverBatch = (value: ValueRef) => g.op('ReduceSum', [value, axis0], { keepdims: 0 }); // [K, O]
  /** xᵀ·d for d [B, K, W], as one [D, B]·[B, K·W] product, viewed as [D, K, W] and decayed. */
  const firstLayerGradient = (d: ValueRef) => {
    const flat = g.op('Gemm', [x, g.op('Reshape', [d, g.value('shape_keep_flatten')])], { transA: 1 });
    return g.op('Add', [g.op('Reshape', [flat, g.op('Shape', [params.W1 as ValueRef])]), g.op('Mul', [decayFirst, params.W1 as ValueRef])]);
  };
  const grads: Record<string, ValueRef> = {};
  if (!hidden) {
    grads.W1 = firstLayerGradient(dz);
    grads.b1 = sumOverBatch(dz);
  } else {
    const dzByHead = g.op('Transpose', [dz], { perm: [1, 0, 2] }); // [K, B, C]
    const hT = g.op('Transpose', [hByHead as ValueRef], { perm: [0, 2, 1] }); // [K, H, B]
    grads.W2 = g.op('Add', [g.op('MatMul', [hT, dzByHead]), g.op('Mul', [decaySecond, params.W2 as ValueRef])]);
    grads.b2 = sumOverBatch(dz);
    const W2T = g.op('Transpose', [params.W2 as ValueRef], { perm: [0, 2, 1] }); // [K, C, H]
    const dh = g.op('Transpose', [g.op('MatMul', [dzByHead, W2T])], { perm: [1, 0, 2] }); // [B, K, H]
    const active = g.op('Cast', [g.op('Greater', [a as ValueRef, g.float('zero', 0)])], { to: 1 });
    const da = g.op('Mul', [dh, active]);
    grads.W1 = firstLayerGradient(da);
    grads.b1 = sumOverBatch(da);
  }
  const adam = adamStep(g, t);
  const stepSize = adamStepSize(g, adam, lr); // [K]
  const stepKx1 = g.op('Unsqueeze', [stepSize, axis1]); // [K, 1]: for W1 [D, K, W], b1 and b2 [K, ·]
  const stepKx1x1 = g.op('Unsqueeze', [stepSize, axes12]); // [K, 1, 1]: for W2 [K, H, C]
  for (const name of names) {
    adamUpdate(g, adam, {
      name,
      param: params[name] as ValueRef,
      grad: grads[name] as ValueRef,
      m: m[name] as ValueRef,
      v: v[name] as ValueRef,
      stepSize: name === 'W2' ? stepKx1x1 : stepKx1,
      shape: parameterShape(name, hidden),
    });
  }
  return g;
}

/**
 * A graph that computes the probabilities [B, K, C] of K heads from standardised features, with the
 * parameters as inputs (for scoring heads between training steps without rebuilding a model).
 */
export function buildHeadForwardGraph(kind: HeadKind, hidden: boolean): GraphBuilder {
  const g = new GraphBuilder(`${kind}_${hidden ? 'hidden' : 'linear'}_head_forward`);
  const x = g.input(STEP_NAMES.features, 'float32', ['batch', 'features']);
  const params: Record<string, ValueRef> = {};
  for (const name of headParameterNames(hidden ? 1 : 0)) params[name] = g.input(name, 'float32', parameterShape(name, hidden));
  const { z } = forward(g, x, params, hidden);
  const named = { outputs: [FORWARD_OUTPUT] };
  const probabilities = kind === 'softmax' ? g.op('Softmax', [z], { axis: -1 }, named) : g.op('Sigmoid', [z], {}, named);
  g.output(probabilities, 'float32', ['batch', 'trials', 'classes']);
  return g;
}

/** The step graph as `.onnx` bytes. */
export function headStepModel(kind: HeadKind, hidden: boolean): Uint8Array {
  return encodeModel(buildModel(buildHeadStepGraph(kind, hidden), { docString: `one Adam step of K ${kind} classification heads` }));
}

/** The forward graph as `.onnx` bytes. */
export function headForwardModel(kind: HeadKind, hidden: boolean): Uint8Array {
  return encodeModel(buildModel(buildHeadForwardGraph(kind, hidden), { docString: `K ${kind} classification heads, parameters as inputs` }));
}
