import { describe, expect, it } from 'vitest';
import { dot, normalizeVector } from './embedder.js';
import { createOfflineEmbedder } from './offline-embedder.js';
import { decodeVector, encodeVector } from './vector-format.js';

function legacyDense(vector: Float32Array): Buffer {
  const buffer = Buffer.alloc(vector.length * 4);
  for (const [index, value] of vector.entries()) buffer.writeFloatLE(value, index * 4);
  return buffer;
}

describe('memory vector format', () => {
  it('stores an offline (sparse) vector in under a fifth of the dense bytes, keeping its cosines', async () => {
    const embedder = createOfflineEmbedder();
    const [first, second] = await embedder.embed([
      'Priya prefers the travel budget spreadsheet kept in the shared drive for the Lisbon trip',
      'Priya booked a flight to Lisbon and keeps the trip budget in a spreadsheet',
    ]);
    if (!first || !second) throw new Error('no vectors');
    const encoded = encodeVector(first, true);
    expect(encoded.byteLength).toBeLessThan((first.length * 4) / 5);
    expect(encoded.byteLength % 4).not.toBe(0);
    const decoded = decodeVector(encoded);
    expect(decoded).toHaveLength(512);
    expect(dot(decoded, first)).toBeGreaterThan(0.999);
    expect(Math.abs(dot(decoded, second) - dot(first, second))).toBeLessThan(0.01);
  });

  it('still reads rows written dense before the sparse format, and writes dense vectors dense', () => {
    const vector = normalizeVector(Float32Array.from({ length: 64 }, (_, index) => Math.sin(index + 1)));
    expect([...decodeVector(legacyDense(vector))]).toEqual([...vector]);
    const encoded = encodeVector(vector, false);
    expect(encoded.byteLength).toBe(256);
    expect([...decodeVector(encoded)]).toEqual([...vector]);
  });

  it('falls back to dense when a "sparse" vector has too many non-zeros to gain', () => {
    const vector = normalizeVector(Float32Array.from({ length: 4 }, () => 0.5));
    const encoded = encodeVector(vector, true);
    expect(encoded.byteLength).toBe(16);
    expect([...decodeVector(encoded)]).toEqual([...vector]);
  });

  it('pads a sparse blob whose length would be a multiple of 4, and decodes a zero vector', () => {
    for (let nonZeros = 0; nonZeros < 8; nonZeros++) {
      const vector = new Float32Array(512);
      for (let index = 0; index < nonZeros; index++) vector[index * 7] = index % 2 === 0 ? 1 : -1;
      normalizeVector(vector);
      const encoded = encodeVector(vector, true);
      expect(encoded.byteLength % 4).not.toBe(0);
      const decoded = decodeVector(encoded);
      for (let index = 0; index < 512; index++) expect(decoded[index]).toBeCloseTo(vector[index] ?? 0, 5);
    }
  });
});

describe('memory vector format with wide gaps', () => {
  it('stores indexes as uint16 when two non-zeros are more than 255 apart', () => {
    const vector = new Float32Array(1024);
    vector[3] = 0.6;
    vector[900] = -0.8;
    const encoded = encodeVector(vector, true);
    expect(encoded[0]).toBe(0x01);
    const decoded = decodeVector(encoded);
    expect(decoded[3]).toBeCloseTo(0.6, 2);
    expect(decoded[900]).toBeCloseTo(-0.8, 2);
    const near = new Float32Array(1024);
    near[254] = 1;
    expect(encodeVector(near, true)[0]).toBe(0x02);
    expect(decodeVector(encodeVector(near, true))[254]).toBe(1);
  });
});
