/**
 * The detection loss written with TF.js ops, the reference the hand-derived backward passes are
 * checked against: focal loss on the heat (positives where the target is 1, others weighted by
 * (1 − y)⁴) plus λ-weighted L1 on the regression at object centres, both over the object count.
 */
import * as tf from '@tensorflow/tfjs';

export interface DetectionTargetsCase {
  /** [N, classes] */
  heatmap: Float32Array;
  /** [N] */
  mask: Float32Array;
  /** [N, 4] */
  regression: Float32Array;
  /** [4] */
  lambda: Float32Array;
  objects: number;
}

/** Heat and regression losses of head outputs z [N, classes + 4]. */
export function tfDetectionLoss(z: tf.Tensor, c: DetectionTargetsCase, classes: number): { heat: tf.Scalar; reg: tf.Scalar } {
  const N = z.shape[0]!;
  const [zHeat, r] = tf.split(z, [classes, 4], 1);
  const y = tf.tensor2d(c.heatmap, [N, classes]);
  const p = tf.sigmoid(zHeat!);
  const pos = tf.cast(tf.greaterEqual(y, 1), 'float32');
  const posLoss = tf.neg(tf.mul(tf.square(tf.sub(1, p)), tf.log(p)));
  const negLoss = tf.neg(tf.mul(tf.mul(tf.pow(tf.sub(1, y), 4), tf.square(p)), tf.log(tf.sub(1, p))));
  const heat = tf.div(tf.sum(tf.add(tf.mul(pos, posLoss), tf.mul(tf.sub(1, pos), negLoss))), c.objects) as tf.Scalar;
  const weights = tf.mul(tf.tensor2d(c.mask, [N, 1]), tf.tensor1d(c.lambda));
  const reg = tf.div(tf.sum(tf.mul(weights, tf.abs(tf.sub(r!, tf.tensor2d(c.regression, [N, 4]))))), c.objects) as tf.Scalar;
  return { heat, reg };
}
