/**
 * The service's image limits (guide quotas for training, testing and detection, L16459–16517) and
 * the entry error an image breaking them gets (ERROR_INVALID_IMAGE L6491, ERROR_INVALID_IMAGE_DIMENSION L6516).
 * A plain module (its sentences from messages.ts): main checks images with it, the renderer sizes what it sends by it.
 */
import { formatMessage, type MessageRef } from './messages';

/**
 * What the limits look at: a probe (native/preprocess's ImageProbe) or a header with the byte size
 * beside it. A failed probe's `reason` is native/preprocess's ImageFailure ('too-many-pixels', …).
 */
export type LimitedImage = { ok: true; width: number; height: number; sizeBytes: number } | { ok: false; reason: string; detail: string };

export const IMAGE_LIMITS = {
  /** The only formats the service takes, for datasets and for DetectCustomLabels. */
  formats: ['png', 'jpeg'],
  /** Each side of the (oriented) image, in pixels. */
  minSidePx: 64,
  maxSidePx: 4096,
  /** Bytes of an image file in a dataset (and of an S3 image at detection). */
  maxFileBytes: 15 * 1024 * 1024,
  /** Bytes of an image passed as raw bytes to DetectCustomLabels. */
  maxInferenceBytes: 4 * 1024 * 1024,
  /**
   * Bytes of one file the web UI uploads (Loupe's own path, not the service's): room for a camera
   * image up to the 100 MP Loupe downscales at import — some 20–60 MB as JPEG, up to ~250 MB as PNG.
   */
  maxUploadBytes: 256 * 1024 * 1024,
  /** Longer side over shorter side. */
  maxAspectRatio: 20,
} as const;

export type ImageLimitCode = 'ERROR_INVALID_IMAGE' | 'ERROR_INVALID_IMAGE_DIMENSION';

/**
 * The first limit a probed image breaks, or undefined: `dataset` applies the 15 MB file limit,
 * `inference` the 4 MB raw-bytes limit; sides 64–4096 px and aspect ≤ 20:1 apply to both.
 * As in the guide, a bad format, an unreadable file, the file size and the aspect ratio give
 * ERROR_INVALID_IMAGE, sides out of range ERROR_INVALID_IMAGE_DIMENSION. `message` is the guide's
 * sentence, word for word, with what was measured and the limit after it; `ref` is the same as a
 * coded sentence (messages.ts), for the UI to say in the user's language.
 */
export function checkImageLimits(
  probe: LimitedImage,
  purpose: 'dataset' | 'inference',
): { code: ImageLimitCode; message: string; ref: MessageRef } | undefined {
  const refused = (code: ImageLimitCode, ref: MessageRef) => ({ code, message: formatMessage(ref.Code, ref.Params), ref });
  if (!probe.ok) {
    return probe.reason === 'too-many-pixels'
      ? refused('ERROR_INVALID_IMAGE_DIMENSION', { Code: 'ImageDimensionTooManyPixels', Params: { detail: lowerFirst(sentence(probe.detail)) } })
      : refused('ERROR_INVALID_IMAGE', { Code: 'ImageInvalid' });
  }
  const maxBytes = purpose === 'dataset' ? IMAGE_LIMITS.maxFileBytes : IMAGE_LIMITS.maxInferenceBytes;
  if (probe.sizeBytes > maxBytes) {
    return refused('ERROR_INVALID_IMAGE', {
      Code: purpose === 'dataset' ? 'ImageFileTooLarge' : 'ImageBytesOverLimit',
      Params: { bytes: probe.sizeBytes, megabytes: megabytes(probe.sizeBytes), max: megabytes(maxBytes) },
    });
  }
  const { width, height } = probe;
  const { minSidePx, maxSidePx, maxAspectRatio } = IMAGE_LIMITS;
  if (Math.min(width, height) < minSidePx || Math.max(width, height) > maxSidePx) {
    return refused('ERROR_INVALID_IMAGE_DIMENSION', {
      Code: Math.max(width, height) > maxSidePx ? 'ImageSidesTooLarge' : 'ImageSidesTooSmall',
      Params: { width, height, min: minSidePx, max: maxSidePx },
    });
  }
  const aspect = Math.max(width, height) / Math.min(width, height);
  if (aspect > maxAspectRatio) {
    return refused('ERROR_INVALID_IMAGE', { Code: 'ImageAspectTooWide', Params: { aspect: Math.round(aspect * 1000) / 1000, width, height, max: maxAspectRatio } });
  }
  return undefined;
}

function megabytes(bytes: number): number {
  return round2(bytes / (1024 * 1024));
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function lowerFirst(text: string): string {
  return text.replace(/^./, (c) => c.toLowerCase());
}

function sentence(text: string): string {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
