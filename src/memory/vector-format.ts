import { endianness } from 'node:os';

const littleEndian = endianness() === 'LE';

/** First byte of a sparse vector blob (format 1: uint16 indexes, int8 values scaled by a float32). */
const sparseInt8 = 0x01;
const sparseHeaderBytes = 1 + 2 + 2 + 4;

/**
 * The `memory.embedding` column holds one of two formats, told apart by length (decision 0030):
 *
 * - **dense**: `dimensions` little-endian Float32 values; the length is a multiple of 4. Dense
 *   embedders (OpenAI, Ollama…) and every row written before the sparse format use it.
 * - **sparse**: byte `0x01`, uint16 dimensions, uint16 non-zero count `n`, float32 scale, `n`
 *   uint16 indexes, `n` int8 values (value ≈ int8 × scale / 127), padded with one zero byte
 *   when the length would be a multiple of 4 — so a sparse blob never looks dense. The offline
 *   hashing embedder has ~60–120 non-zeros of 512: ~0.3 KB instead of 2 KB.
 */
export function encodeVector(vector: Float32Array, sparse: boolean): Buffer {
  if (sparse) {
    const encoded = encodeSparse(vector);
    if (encoded) return encoded;
  }
  return encodeDense(vector);
}

function encodeDense(vector: Float32Array): Buffer {
  if (littleEndian) return Buffer.from(new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength));
  const buffer = Buffer.alloc(vector.length * 4);
  for (let index = 0; index < vector.length; index++) buffer.writeFloatLE(vector[index] ?? 0, index * 4);
  return buffer;
}

/** Null when sparse would not be smaller (or dimensions do not fit uint16): write it dense. */
function encodeSparse(vector: Float32Array): Buffer | null {
  if (vector.length > 0xffff) return null;
  let count = 0;
  let scale = 0;
  for (let index = 0; index < vector.length; index++) {
    const value = vector[index] ?? 0;
    if (value === 0) continue;
    count++;
    scale = Math.max(scale, Math.abs(value));
  }
  const length = sparseHeaderBytes + count * 3;
  const padded = length % 4 === 0 ? length + 1 : length;
  if (padded >= vector.length * 4) return null;
  const buffer = Buffer.alloc(padded);
  buffer.writeUInt8(sparseInt8, 0);
  buffer.writeUInt16LE(vector.length, 1);
  buffer.writeUInt16LE(count, 3);
  buffer.writeFloatLE(scale, 5);
  let position = 0;
  for (let index = 0; index < vector.length; index++) {
    const value = vector[index] ?? 0;
    if (value === 0) continue;
    buffer.writeUInt16LE(index, sparseHeaderBytes + position * 2);
    const quantised = Math.max(-127, Math.min(127, Math.round((value / scale) * 127)));
    buffer.writeInt8(quantised, sparseHeaderBytes + count * 2 + position);
    position++;
  }
  return buffer;
}

/** Reads either format back into a dense vector (a sparse one is re-normalized after quantisation). */
export function decodeVector(bytes: Uint8Array): Float32Array {
  if (bytes.byteLength % 4 !== 0 && bytes[0] === sparseInt8) return decodeSparse(bytes);
  return decodeDense(bytes);
}

function decodeDense(bytes: Uint8Array): Float32Array {
  if (littleEndian) {
    const copy = new Uint8Array(bytes.byteLength - (bytes.byteLength % 4));
    copy.set(bytes.subarray(0, copy.byteLength));
    return new Float32Array(copy.buffer);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const vector = new Float32Array(Math.floor(bytes.byteLength / 4));
  for (let index = 0; index < vector.length; index++) vector[index] = view.getFloat32(index * 4, true);
  return vector;
}

function decodeSparse(bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dimensions = view.getUint16(1, true);
  const count = view.getUint16(3, true);
  const scale = view.getFloat32(5, true);
  const vector = new Float32Array(dimensions);
  if (sparseHeaderBytes + count * 3 > bytes.byteLength) return vector;
  let sum = 0;
  for (let position = 0; position < count; position++) {
    const index = view.getUint16(sparseHeaderBytes + position * 2, true);
    const value = (view.getInt8(sparseHeaderBytes + count * 2 + position) / 127) * scale;
    if (index < dimensions) {
      vector[index] = value;
      sum += value * value;
    }
  }
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let index = 0; index < dimensions; index++) vector[index] = (vector[index] ?? 0) / norm;
  return vector;
}
