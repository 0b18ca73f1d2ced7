/**
 * One training step of a CenterNet-style detection head as ONE ONNX graph: forward, loss, a
 * hand-derived backward pass and an Adam update. The head is a 1×1 convolution over the backbone's
 * feature map, i.e. the same linear map at every location, so training sees the map as rows:
 * x [N, D] with N = images · H · W locations.
 *
 *   z = x·W + b                              W [D, C + 4], b [C + 4]
 *   heat logits  z_c = z[:, 0:C],  p = σ(z_c)
 *   regression   r = z[:, C:C+4]   (offset x, offset y, width, height, in feature cells)
 *
 * Losses (P = number of objects, an input, at least 1):
 *   focal (penalty-reduced, α = 2, β = 4) on the Gaussian heatmap target y ∈ [0, 1]:
 *     y = 1:  ℓ = −(1 − p)² · log p
 *     y < 1:  ℓ = −(1 − y)⁴ · p² · log(1 − p)
 *     L_heat = Σ ℓ / P
 *   L1 at object centres (mask m [N] is 1 at each object's centre cell), weights λ [4]:
 *     L_reg = Σ_i m_i Σ_k λ_k |r_ik − t_ik| / P
 *   L = L_heat + L_reg
 *
 * Backward (log p = −softplus(−z), log(1 − p) = −softplus(z), dp/dz = p(1 − p)):
 *   y = 1:  dℓ/dz = (1 − p)² · (2p·log p − (1 − p))
 *   y < 1:  dℓ/dz = (1 − y)⁴ · p² · (p − 2(1 − p)·log(1 − p))
 *   dL_reg/dr_ik = m_i · λ_k · sign(r_ik − t_ik) / P
 *   gW = xᵀ·dz + wd·W,  gb = Σ_i dz
 *
 * Adam: native/train's adam.ts, the same update as the classification heads'.
 */
import { buildModel, encodeModel, GraphBuilder, type ValueRef } from '../onnx';
import { ADAM_NAMES, adamStep, adamStepSize, adamUpdate } from '../train';


export const DETECT_STEP_NAMES = {
  features: 'x',
  heatmap: 'heatmap',
  regression: 'regression',
  mask: 'mask',
  regressionWeight: 'regressionWeight',
  objects: 'objects',
  step: 't',
  learningRate: 'learningRate',
  weightDecay: 'weightDecay',
  /** Fine-tuning step only: the backbone tail's learning rate, and the head's standardisation of the tail's output. */
  tailLearningRate: 'tailLearningRate',
  featureMean: 'featureMean',
  featureScale: 'featureScale',
  /** Fine-tuning step with a context map only: its rows (one per cell of the head's map), their standardisation, the head's weights on them. */
  context: 'context',
  contextMean: 'contextMean',
  contextScale: 'contextScale',
  contextWeights: 'Wc',
  loss: 'loss',
  heatLoss: 'heatLoss',
  regressionLoss: 'regressionLoss',
  ...ADAM_NAMES,
} as const;

export const DETECT_PARAMETERS = ['W', 'b'] as const;

const SHAPES: Record<(typeof DETECT_PARAMETERS)[number], string[]> = {
  W: ['features', 'outputs'],
  b: ['outputs'],
};

/** The step graph (every size symbolic: rows, features, classes). */
export function buildDetectionStepGraph(): GraphBuilder {
  const n = DETECT_STEP_NAMES;
  const g = new GraphBuilder('detection_head_step');
  const x = g.input(n.features, 'float32', ['rows', 'features']);
  const targets = detectionTargetInputs(g);
  const params: Record<string, ValueRef> = {};
  const m: Record<string, ValueRef> = {};
  const v: Record<string, ValueRef> = {};
  for (const name of DETECT_PARAMETERS) params[name] = g.input(name, 'float32', SHAPES[name]);
  for (const name of DETECT_PARAMETERS) m[name] = g.input(n.moment1(name), 'float32', SHAPES[name]);
  for (const name of DETECT_PARAMETERS) v[name] = g.input(n.moment2(name), 'float32', SHAPES[name]);
  const t = g.input(n.step, 'float32', []);
  const lr = g.input(n.learningRate, 'float32', []);
  const wd = g.input(n.weightDecay, 'float32', []);

  const z = g.op('Gemm', [x, params.W!, params.b!]); // [N, C + 4]
  const dz = detectionLoss(g, z, targets);
  const grads: Record<string, ValueRef> = {
    W: g.op('Add', [g.op('Gemm', [x, dz], { transA: 1 }), g.op('Mul', [wd, params.W!])]),
    b: g.op('ReduceSum', [dz, g.int64('axis0', [0])], { keepdims: 0 }),
  };
  const adam = adamStep(g, t);
  const stepSize = adamStepSize(g, adam, lr);
  for (const name of DETECT_PARAMETERS) adamUpdate(g, adam, { name, param: params[name]!, grad: grads[name]!, m: m[name]!, v: v[name]!, stepSize, shape: SHAPES[name] });
  return g;
}

/** The targets of a detection step: heatmap [rows, C], regression [rows, 4], mask [rows], λ [4], objects (scalar). */
export interface DetectionTargetInputs {
  heatmap: ValueRef;
  regression: ValueRef;
  mask: ValueRef;
  regressionWeight: ValueRef;
  objects: ValueRef;
}

export function detectionTargetInputs(g: GraphBuilder): DetectionTargetInputs {
  const n = DETECT_STEP_NAMES;
  return {
    heatmap: g.input(n.heatmap, 'float32', ['rows', 'classes']),
    regression: g.input(n.regression, 'float32', ['rows', 4]),
    mask: g.input(n.mask, 'float32', ['rows']),
    regressionWeight: g.input(n.regressionWeight, 'float32', [4]),
    objects: g.input(n.objects, 'float32', []),
  };
}

/**
 * The focal + L1 loss on head outputs z [N, C + 4] (see the file header): declares the outputs loss,
 * heatLoss and regressionLoss and returns dL/dz [N, C + 4].
 */
export function detectionLoss(g: GraphBuilder, z: ValueRef, targets: DetectionTargetInputs): ValueRef {
  const n = DETECT_STEP_NAMES;
  const { heatmap: y, regression: target, mask, regressionWeight: lambda, objects } = targets;
  const one = g.float('one', 1);
  const two = g.float('two', 2);
  const axis1 = g.int64('axis1', [1]);
  const classes = g.op('Shape', [y], { start: 1, end: 2 }); // [1]
  const zHeat = g.op('Slice', [z, g.int64('start0', [0]), classes, axis1]);
  const r = g.op('Slice', [z, classes, g.op('Add', [classes, g.int64('four', [4])]), axis1]);

  // Heat: stable logs of p and 1 − p.
  const softplus = (value: ValueRef) => g.op('Add', [g.op('Relu', [value]), g.op('Log', [g.op('Add', [one, g.op('Exp', [g.op('Neg', [g.op('Abs', [value])])])])])]);
  const spPos = softplus(zHeat); // softplus(z) = −log(1 − p)
  const logP = g.op('Neg', [g.op('Sub', [spPos, zHeat])]); // −softplus(−z) = −(softplus(z) − z)
  const log1mP = g.op('Neg', [spPos]);
  const p = g.op('Sigmoid', [zHeat]);
  const q = g.op('Sub', [one, p]);
  const isPos = g.op('Cast', [g.op('GreaterOrEqual', [y, one])], { to: 1 });
  const isNeg = g.op('Sub', [one, isPos]);
  const oneMinusY = g.op('Sub', [one, y]);
  const oneMinusY2 = g.op('Mul', [oneMinusY, oneMinusY]);
  const negWeight = g.op('Mul', [oneMinusY2, oneMinusY2]); // (1 − y)⁴
  const q2 = g.op('Mul', [q, q]);
  const p2 = g.op('Mul', [p, p]);
  const posLoss = g.op('Neg', [g.op('Mul', [q2, logP])]);
  const negLoss = g.op('Neg', [g.op('Mul', [g.op('Mul', [negWeight, p2]), log1mP])]);
  const heatElements = g.op('Add', [g.op('Mul', [isPos, posLoss]), g.op('Mul', [isNeg, negLoss])]);
  const heatLoss = g.op('Div', [g.op('ReduceSum', [heatElements], { keepdims: 0 }), objects], {}, { outputs: [n.heatLoss] });
  const dPos = g.op('Mul', [q2, g.op('Sub', [g.op('Mul', [g.op('Mul', [two, p]), logP]), q])]);
  const dNeg = g.op('Mul', [g.op('Mul', [negWeight, p2]), g.op('Sub', [p, g.op('Mul', [g.op('Mul', [two, q]), log1mP])])]);
  const dHeat = g.op('Div', [g.op('Add', [g.op('Mul', [isPos, dPos]), g.op('Mul', [isNeg, dNeg])]), objects]);

  // Regression: weighted L1 at centres.
  const maskColumn = g.op('Unsqueeze', [mask, axis1]); // [N, 1]
  const difference = g.op('Sub', [r, target]);
  const weighted = g.op('Mul', [maskColumn, lambda]); // [N, 4]
  const regressionLoss = g.op('Div', [g.op('ReduceSum', [g.op('Mul', [weighted, g.op('Abs', [difference])])], { keepdims: 0 }), objects], {}, { outputs: [n.regressionLoss] });
  const dReg = g.op('Div', [g.op('Mul', [weighted, g.op('Sign', [difference])]), objects]);

  const loss = g.op('Add', [heatLoss, regressionLoss], {}, { outputs: [n.loss] });
  g.output(loss, 'float32', []);
  g.output(heatLoss, 'float32', []);
  g.output(regressionLoss, 'float32', []);
  return g.op('Concat', [dHeat, dReg], { axis: 1 }); // [N, C + 4]
}

export function detectionStepModel(): Uint8Array {
  return encodeModel(buildModel(buildDetectionStepGraph(), { docString: 'one Adam step of a CenterNet-style detection head' }));
}
