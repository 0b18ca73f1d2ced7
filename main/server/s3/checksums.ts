/**
 * The flexible checksums S3 clients attach to uploads (`x-amz-checksum-<algorithm>`, as a header
 * or as a trailer after an aws-chunked body): base64 of the big-endian CRC or of the digest.
 * CRC32, CRC32C, SHA-1 and SHA-256 are checked; a CRC64NVME value is accepted unchecked.
 */
import { createHash, type Hash } from 'node:crypto';
import { crc32 } from 'node:zlib';

export type ChecksumAlgorithm = 'crc32' | 'crc32c' | 'sha1' | 'sha256' | 'crc64nvme';
const ALGORITHMS: readonly ChecksumAlgorithm[] = ['crc32', 'crc32c', 'sha1', 'sha256', 'crc64nvme'];

export function checksumAlgorithmOf(headerName: string): ChecksumAlgorithm | undefined {
  const match = /^x-amz-checksum-([a-z0-9]+)$/.exec(headerName.trim().toLowerCase());
  return ALGORITHMS.find((algorithm) => algorithm === match?.[1]);
}

export interface Checksum {
  update(chunk: Buffer): void;
  /** base64 of the result; undefined when Loupe cannot compute this algorithm. */
  digest(): string | undefined;
}

export function createChecksum(algorithm: ChecksumAlgorithm): Checksum {
  switch (algorithm) {
    case 'crc32':
      return crcChecksum((chunk, value) => crc32(chunk, value));
    case 'crc32c':
      return crcChecksum(crc32c);
    case 'sha1':
    case 'sha256':
      return hashChecksum(createHash(algorithm));
    case 'crc64nvme':
      return { update: () => undefined, digest: () => undefined };
  }
}

function crcChecksum(step: (chunk: Buffer, value: number) => number): Checksum {
  let value = 0;
  return {
    update: (chunk) => {
      value = step(chunk, value);
    },
    digest: () => {
      const bytes = Buffer.alloc(4);
      bytes.writeUInt32BE(value >>> 0);
      return bytes.toString('base64');
    },
  };
}

function hashChecksum(hash: Hash): Checksum {
  return { update: (chunk) => hash.update(chunk), digest: () => hash.digest('base64') };
}

/** CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), continuing from `previous`. */
const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32c(chunk: Buffer, previous = 0): number {
  let c = ~previous >>> 0;
  for (let i = 0; i < chunk.length; i++) c = CRC32C_TABLE[(c ^ chunk[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
