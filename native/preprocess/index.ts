/**
 * native/preprocess — the only importer of sharp. Everything here takes PNG and JPEG only, decides
 * the format by content, applies EXIF orientation, and refuses images over MAX_DECODE_PIXELS from
 * their header.
 */

/** probeImage(path) / probeImageBuffer(bytes): format, oriented and stored size (px), orientation, sizeBytes, sha256; never throws. */
export { probeImage, probeImageBuffer, type ImageProbe } from './probeImage';

/** probeImageHeader(bytes): format and oriented size from the header alone (analysis checks images with it before decoding). */
export { probeImageHeader, type ImageHeader } from './probeImage';

/** decodeRgb(pathOrBytes, { maxSide, region? }): HWC uint8 sRGB pixels of the oriented image (or of `region` of it, in its pixels), longer side ≤ maxSide px. */
export { decodeRgb, type DecodeRgbOptions, type RgbImage } from './decodeRgb';

/** decodeForModel(pathOrBytes, { width, height, maxSide, crop?, mirror? }): pixels exactly the model's input size, cropped and resized natively. */
export { decodeForModel, LETTERBOX_GREY, type ModelPixelsOptions } from './decodeForModel';

/** makeThumbnail(source, target, { size }): oriented sRGB JPEG, longer side ≤ size px (default 256), written atomically. */
export { makeThumbnail, type ThumbnailOptions } from './makeThumbnail';

/** downscaleImage(source, target, { maxSide, maxBytes, minSide }): an oriented copy, longer side ≤ maxSide px and (PNG compressed harder, then smaller in steps) ≤ maxBytes, for images up to MAX_DOWNSCALE_PIXELS; written atomically. */
export { downscaleImage, MAX_DOWNSCALE_PIXELS, type DownscaleOptions } from './downscaleImage';

/** ImageDecodeError (thrown by the decoders, with the probe's reason), the pixel and file-size ceilings. */
export { ImageDecodeError, MAX_DECODE_PIXELS, MAX_READ_BYTES, type ImageFailure, type ImageFormat } from './input';

/** encodeMaskPng({ mask, width, height, outWidth, outHeight, colour }): an anomaly mask PNG at the image's size. */
export { encodeMaskPng, type MaskPngOptions } from './encodeMask';

/** resizedPng(source, width, height): the image stretched to exactly width × height, as pixels and as a PNG of them; rgbPng(pixels): a PNG. */
export { resizedPng, rgbPng } from './resizedPng';
/** encodeHeatMapPng({ map, width, height, low, threshold }): an RGBA PNG of an anomaly map to lay over its image; heatLevel(value, low, threshold) in [0,1]. */
export { encodeHeatMapPng, heatLevel, type HeatMapPngOptions } from './encodeHeatMap';
