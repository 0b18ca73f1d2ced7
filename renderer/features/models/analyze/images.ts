/**
 * Images picked or dropped for analysis, read in the browser: folders are walked, each file is
 * decoded once (for its size and a picture to show) and sent to DetectCustomLabels as base64.
 * PNG and JPEG files up to 4 MB and 4096 px a side go as they are; anything else the browser can
 * decode (WebP, GIF, BMP, a larger photo) is re-encoded as JPEG first, at most 4096 px a side,
 * since the API takes only PNG and JPEG bytes within those limits.
 */
import { walkDroppedFolder } from '../../../api';
import { hasImageExtension, isIgnoredFileName, isIgnoredFolderName } from '../../../../preload/contract/files';
import { IMAGE_LIMITS } from '../../../../preload/contract/imageLimits';

/** DetectCustomLabels' limit for raw bytes. */
const MAX_BYTES = IMAGE_LIMITS.maxInferenceBytes;

/** A file worth analysing: one the browser calls an image or named like one, not hidden or partial. */
export function isImageFile(file: File): boolean {
  if (isIgnoredFileName(file.name)) return false;
  return file.type.startsWith('image/') || hasImageExtension(file.name);
}

/** Every image file of a drop, folders included (read during the drop event, walked after it). */
export function filesOfDrop(dataTransfer: DataTransfer): Promise<File[]> {
  const items = Array.from(dataTransfer.items).filter((item) => item.kind === 'file');
  const captured = items.length > 0 ? items.map((item) => ({ entry: item.webkitGetAsEntry(), file: item.getAsFile() })) : Array.from(dataTransfer.files, (file) => ({ entry: null, file }));
  return (async () => {
    const files: File[] = [];
    for (const { entry, file } of captured) {
      if (entry?.isDirectory) {
        if (isIgnoredFolderName(entry.name)) continue;
        const found = await walkDroppedFolder(entry as FileSystemDirectoryEntry, (name) => !isIgnoredFileName(name));
        files.push(...found.map((picked) => picked.file).filter(isImageFile));
      } else if (file && isImageFile(file)) files.push(file);
    }
    return files;
  })();
}

export interface PreparedImage {
  /** Base64 of what is sent. */
  bytes: string;
  width: number;
  height: number;
  /** The bytes are a JPEG made here, not the file itself. */
  reencoded: boolean;
}

function base64Of(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let binary = '';
  const chunk = 0x8000;
  for (let index = 0; index < bytes.length; index += chunk) {
    binary += String.fromCharCode(...bytes.subarray(index, index + chunk));
  }
  return btoa(binary);
}

function isPngOrJpeg(head: Uint8Array): boolean {
  const png = head[0] === 0x89 && head[1] === 0x50 && head[2] === 0x4e && head[3] === 0x47;
  const jpeg = head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff;
  return png || jpeg;
}

async function toJpeg(bitmap: ImageBitmap): Promise<ArrayBuffer> {
  let scale = Math.min(1, IMAGE_LIMITS.maxSidePx / Math.max(bitmap.width, bitmap.height));
  for (let attempt = 0; attempt < 5; attempt++) {
    const width = Math.max(1, Math.round(bitmap.width * scale));
    const height = Math.max(1, Math.round(bitmap.height * scale));
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('No 2D canvas');
    context.drawImage(bitmap, 0, 0, width, height);
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
    if (blob.size <= MAX_BYTES) return blob.arrayBuffer();
    scale *= 0.75;
  }
  throw new Error('The image stays over 4 MB even when made smaller.');
}

/** Reads a file into what DetectCustomLabels takes; the picture's size comes from decoding it (EXIF orientation applied). */
export async function prepareImage(file: File): Promise<PreparedImage> {
  const buffer = await file.arrayBuffer();
  const bitmap = await createImageBitmap(new Blob([buffer], { type: file.type || 'application/octet-stream' }), { imageOrientation: 'from-image' });
  try {
    const { width, height } = bitmap;
    // A camera's 12000 × 9000 JPEG can be under 4 MB and still over the service's 4096 px a side:
    // it is made smaller here rather than refused (issue 15).
    const fitsAsIs = buffer.byteLength <= MAX_BYTES && Math.max(width, height) <= IMAGE_LIMITS.maxSidePx;
    if (isPngOrJpeg(new Uint8Array(buffer, 0, Math.min(4, buffer.byteLength))) && fitsAsIs) {
      return { bytes: base64Of(buffer), width, height, reencoded: false };
    }
    return { bytes: base64Of(await toJpeg(bitmap)), width, height, reencoded: true };
  } finally {
    bitmap.close();
  }
}
