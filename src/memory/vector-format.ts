import { endianness } from 'node:os';

const littleEndian = endianness() === 'LE';

/** First byte of a sparse vector blob (format 1: uint16 indexes, int8 values scaled by a float32). */
const sparseInt8 = 0x01;
/** Format 2: like format 1, but each index is stored as its uint8 gap from the previous one. */
const sparseGapsInt8 = 0x02;
const sparseHeaderBytes = 1 + 2 + 2 + 4;

/**
 * The `memory.embedding` column holds one of two formats, told apart by length (decision 0030):
 *
 * - **dense**: `dimensions` little-endian Float32 values; the length is a multiple of 4. Dense
 *   embedders (OpenAI, Ollama…) and every row written before the sparse format use it.
 * - **sparse**: a format byte, uint16 dimensions, uint16 non-zero count `n`, float32 scale, the
 *   `n` indexes, `n` int8 values (value ≈ int8 × scale / 127), padded with one zero byte when the
 *   length would be a multiple of 4 — so a sparse blob never looks dense. Format `0x02` stores
 *   each index as a uint8 gap from the one before (index + 1 for the first); format `0x01`, used
 *   when a gap exceeds 255, as uint16. The offline hashing embedder has ~95 non-zeros of 512:
 *   ~0.2 KB instead of 2 KB.
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
  let previous = -1;
  let gapsFit = true;
  for (let index = 0; index < vector.length && gapsFit; index++) {
    if ((vector[index] ?? 0) === 0) continue;
    gapsFit = index - previous <= 0xff;
    previous = index;
  }
  const indexBytes = gapsFit ? 1 : 2;
  const length = sparseHeaderBytes + count * (indexBytes + 1);
  const padded = length % 4 === 0 ? length + 1 : length;
  if (padded >= vector.length * 4) return null;
  const buffer = Buffer.alloc(padded);
  buffer.writeUInt8(gapsFit ? sparseGapsInt8 : sparseInt8, 0);
  buffer.writeUInt16LE(vector.length, 1);
  buffer.writeUInt16LE(count, 3);
  buffer.writeFloatLE(scale, 5);
  let position = 0;
  previous = -1;
  for (let index = 0; index < vector.length; index++) {
    const value = vector[index] ?? 0;
    if (value === 0) continue;
    if (gapsFit) buffer.writeUInt8(index - previous, sparseHeaderBytes + position);
    else buffer.writeUInt16LE(index, sparseHeaderBytes + position * 2);
    previous = index;
    const quantised = Math.max(-127, Math.min(127, Math.round((value / scale) * 127)));
    buffer.writeInt8(quantised, sparseHeaderBytes + count * indexBytes + position);
    position++;
  }
  return buffer;
}

/** Reads either format back into a dense vector (a sparse one is re-normalized after quantisation). */
export function decodeVector(bytes: Uint8Array): Float32Array {
  if (bytes.byteLength % 4 !== 0 && (bytes[0] === sparseInt8 || bytes[0] === sparseGapsInt8))
    return decodeSparse(bytes);
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
  const gaps = bytes[0] === sparseGapsInt8;
  const indexBytes = gaps ? 1 : 2;
  const dimensions = view.getUint16(1, true);
  const count = view.getUint16(3, true);
  const scale = view.getFloat32(5, true);
  const vector = new Float32Array(dimensions);
  if (sparseHeaderBytes + count * (indexBytes + 1) > bytes.byteLength) return vector;
  let sum = 0;
  let index = -1;
  for (let position = 0; position < count; position++) {
    index = gaps
      ? index + view.getUint8(sparseHeaderBytes + position)
      : view.getUint16(sparseHeaderBytes + position * 2, true);
    const value = (view.getInt8(sparseHeaderBytes + count * indexBytes + position) / 127) * scale;
    if (index < dimensions) {
      vector[index] = value;
      sum += value * value;
    }
  }
  const norm = Math.sqrt(sum);
  if (norm > 0)
    for (let position = 0; position < dimensions; position++)
      vector[position] = (vector[position] ?? 0) / norm;
  return vector;
}
