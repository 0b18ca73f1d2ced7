/** Reading NumPy .npy files (format 1.0 and 2.0, little-endian, C order) as the protocol's tensors. */
import type { Datatype, TensorData } from '../../main/engine/servedModel';

const DESCR: Record<string, Datatype> = { '|u1': 'UINT8', '<f4': 'FP32', '<i4': 'INT32', '<i8': 'INT64', '|b1': 'BOOL', '<f8': 'FP64' };

export interface NpyTensor {
  datatype: Datatype;
  shape: number[];
  /** The raw little-endian bytes after the header. */
  bytes: Buffer;
  values(): TensorData;
}

export function readNpy(file: Buffer): NpyTensor {
  if (file.subarray(0, 6).toString('latin1') !== '\x93NUMPY') throw new Error('not a .npy file');
  const major = file[6]!;
  const headerLength = major === 1 ? file.readUInt16LE(8) : file.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = file.subarray(start, start + headerLength).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1] ?? '';
  const datatype = DESCR[descr];
  if (!datatype || /'fortran_order':\s*True/.test(header)) throw new Error(`unsupported .npy header ${header}`);
  const shape = (/'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? '').split(',').map((dim) => dim.trim()).filter(Boolean).map(Number);
  const bytes = file.subarray(start + headerLength);
  return {
    datatype,
    shape,
    bytes,
    values() {
      const copy = new Uint8Array(bytes).buffer;
      switch (datatype) {
        case 'FP32':
          return new Float32Array(copy);
        case 'FP64':
          return new Float64Array(copy);
        case 'INT32':
          return new Int32Array(copy);
        case 'INT64':
          return new BigInt64Array(copy);
        default:
          return new Uint8Array(copy);
      }
    },
  };
}
