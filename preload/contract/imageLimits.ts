/**
 * The service's image limits (guide quotas for training, testing and detection, L16459–16517) and
 * the entry error an image breaking them gets (ERROR_INVALID_IMAGE L6491, ERROR_INVALID_IMAGE_DIMENSION L6516).
 * A plain module that imports nothing: main checks images with it, the renderer sizes what it sends by it.
 */

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

/** The guide's messages, word for word; Loupe adds what was measured and the limit after them. */
const INVALID_IMAGE = 'The image is invalid. Check S3 path and/or image properties.';
const INVALID_DIMENSION = 'The image dimension(s) do not conform to allowed dimensions.';

/**
 * The first limit a probed image breaks, or undefined: `dataset` applies the 15 MB file limit,
 * `inference` the 4 MB raw-bytes limit; sides 64–4096 px and aspect ≤ 20:1 apply to both.
 * As in the guide, a bad format, an unreadable file, the file size and the aspect ratio give
 * ERROR_INVALID_IMAGE, sides out of range ERROR_INVALID_IMAGE_DIMENSION.
 */
export function checkImageLimits(
  probe: LimitedImage,
  purpose: 'dataset' | 'inference',
): { code: ImageLimitCode; message: string } | undefined {
  if (!probe.ok) {
    return probe.reason === 'too-many-pixels'
      ? { code: 'ERROR_INVALID_IMAGE_DIMENSION', message: `${INVALID_DIMENSION} The image is too large: ${sentence(probe.detail).replace(/^./, (c) => c.toLowerCase())}` }
      : { code: 'ERROR_INVALID_IMAGE', message: INVALID_IMAGE };
  }
  const maxBytes = purpose === 'dataset' ? IMAGE_LIMITS.maxFileBytes : IMAGE_LIMITS.maxInferenceBytes;
  if (probe.sizeBytes > maxBytes) {
    return {
      code: 'ERROR_INVALID_IMAGE',
      message: `${INVALID_IMAGE} The file is too large: ${probe.sizeBytes} bytes (${megabytes(probe.sizeBytes)} MB); the maximum ${
        purpose === 'dataset' ? 'for an image file' : 'for image bytes'
      } is ${megabytes(maxBytes)} MB.`,
    };
  }
  const { width, height } = probe;
  const { minSidePx, maxSidePx, maxAspectRatio } = IMAGE_LIMITS;
  if (Math.min(width, height) < minSidePx || Math.max(width, height) > maxSidePx) {
    return {
      code: 'ERROR_INVALID_IMAGE_DIMENSION',
      message: `${INVALID_DIMENSION} The image is too ${Math.max(width, height) > maxSidePx ? 'large' : 'small'}: ${width}×${height} pixels; each side must be ${minSidePx} to ${maxSidePx} pixels.`,
    };
  }
  const aspect = Math.max(width, height) / Math.min(width, height);
  if (aspect > maxAspectRatio) {
    return {
      code: 'ERROR_INVALID_IMAGE',
      message: `${INVALID_IMAGE} The aspect ratio is ${Math.round(aspect * 1000) / 1000}:1 (${width}×${height} pixels); the maximum is ${maxAspectRatio}:1.`,
    };
  }
  return undefined;
}

function megabytes(bytes: number): number {
  return round2(bytes / (1024 * 1024));
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function sentence(text: string): string {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
