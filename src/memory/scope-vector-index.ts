import { type MemoryType, memoryTypes } from './types.js';

const alive = 1;
const superseded = 2;

/** One memory as the vector index keeps it: its vector and what search filters need. */
export interface IndexedVector {
  id: string;
  type: string;
  createdAt: number;
  validTo: number | null;
  superseded: boolean;
  deleted: boolean;
  vector: Float32Array | null;
}

export interface VectorFilter {
  limit: number;
  types?: ReadonlySet<MemoryType> | undefined;
  from?: number | undefined;
  to?: number | undefined;
  includeInvalid: boolean;
  now: number;
  allowedIds?: ReadonlySet<string> | undefined;
  minimum?: number;
}

function grow<T extends Float32Array | Int32Array | Uint8Array | Float64Array>(
  array: T,
  needed: number,
  make: (size: number) => T,
): T {
  if (needed <= array.length) return array;
  const next = make(Math.max(needed, array.length * 2, 16));
  next.set(array);
  return next;
}

/** A bounded min-heap of (score, index) keeping the `capacity` best. */
class TopK {
  readonly scores: number[] = [];
  readonly items: number[] = [];
  constructor(readonly capacity: number) {}
  get floor(): number {
    return this.scores.length < this.capacity ? Number.NEGATIVE_INFINITY : (this.scores[0] ?? 0);
  }
  push(score: number, item: number): void {
    if (this.capacity <= 0) return;
    if (this.scores.length < this.capacity) {
      this.scores.push(score);
      this.items.push(item);
      this.up(this.scores.length - 1);
    } else if (score > (this.scores[0] ?? 0)) {
      this.scores[0] = score;
      this.items[0] = item;
      this.down(0);
    }
  }
  private swap(a: number, b: number): void {
    const score = this.scores[a] ?? 0;
    this.scores[a] = this.scores[b] ?? 0;
    this.scores[b] = score;
    const item = this.items[a] ?? 0;
    this.items[a] = this.items[b] ?? 0;
    this.items[b] = item;
  }
  private up(index: number): void {
    let child = index;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if ((this.scores[parent] ?? 0) <= (this.scores[child] ?? 0)) break;
      this.swap(parent, child);
      child = parent;
    }
  }
  private down(index: number): void {
    let parent = index;
    for (;;) {
      const left = parent * 2 + 1;
      const right = left + 1;
      let smallest = parent;
      if (left < this.scores.length && (this.scores[left] ?? 0) < (this.scores[smallest] ?? 0))
        smallest = left;
      if (right < this.scores.length && (this.scores[right] ?? 0) < (this.scores[smallest] ?? 0))
        smallest = right;
      if (smallest === parent) return;
      this.swap(parent, smallest);
      parent = smallest;
    }
  }
  sorted(): Array<{ score: number; item: number }> {
    return this.scores
      .map((score, index) => ({ score, item: this.items[index] ?? 0 }))
      .sort((a, b) => b.score - a.score);
  }
}

/**
 * Exact cosine search over one scope's normalized vectors, held in process. Sparse embedders
 * (the offline one) use an inverted layout — per dimension, the documents with a non-zero value —
 * so a query costs Σ postings of its non-zero dimensions instead of n × dimensions; dense
 * embedders use a row-major matrix scan. Entries are appended; updates change metadata in place.
 */
export class ScopeVectorIndex {
  private count = 0;
  private ids: string[] = [];
  private readonly positions = new Map<string, number>();
  private types = new Uint8Array(0);
  private flags = new Uint8Array(0);
  private createdAt = new Float64Array(0);
  private validTo = new Float64Array(0);
  private scratch = new Float32Array(0);
  private dense = new Float32Array(0);
  private readonly postingDocs: Int32Array[] = [];
  private readonly postingValues: Float32Array[] = [];
  private readonly postingLengths: Int32Array;
  private deadCount = 0;

  constructor(
    readonly dimensions: number,
    readonly sparse: boolean,
  ) {
    this.postingLengths = new Int32Array(sparse ? dimensions : 0);
    if (sparse) {
      for (let dimension = 0; dimension < dimensions; dimension++) {
        this.postingDocs.push(new Int32Array(0));
        this.postingValues.push(new Float32Array(0));
      }
    }
  }

  get size(): number {
    return this.count - this.deadCount;
  }

  /** Fraction of entries that are deleted (a rebuild is worth it above ~25%). */
  get deadRatio(): number {
    return this.count === 0 ? 0 : this.deadCount / this.count;
  }

  upsert(entry: IndexedVector): void {
    const existing = this.positions.get(entry.id);
    if (existing !== undefined) {
      this.setMetadata(existing, entry, false);
      return;
    }
    if (entry.vector === null || entry.vector.length !== this.dimensions || entry.deleted) return;
    const position = this.count++;
    this.ids.push(entry.id);
    this.positions.set(entry.id, position);
    this.types = grow(this.types, this.count, (size) => new Uint8Array(size));
    this.flags = grow(this.flags, this.count, (size) => new Uint8Array(size));
    this.createdAt = grow(this.createdAt, this.count, (size) => new Float64Array(size));
    this.validTo = grow(this.validTo, this.count, (size) => new Float64Array(size));
    this.setMetadata(position, entry, true);
    const vector = entry.vector;
    if (this.sparse) {
      for (let dimension = 0; dimension < this.dimensions; dimension++) {
        const value = vector[dimension] ?? 0;
        if (value === 0) continue;
        const length = this.postingLengths[dimension] ?? 0;
        const docs = grow(
          this.postingDocs[dimension] ?? new Int32Array(0),
          length + 1,
          (size) => new Int32Array(size),
        );
        const values = grow(
          this.postingValues[dimension] ?? new Float32Array(0),
          length + 1,
          (size) => new Float32Array(size),
        );
        docs[length] = position;
        values[length] = value;
        this.postingDocs[dimension] = docs;
        this.postingValues[dimension] = values;
        this.postingLengths[dimension] = length + 1;
      }
    } else {
      this.dense = grow(this.dense, this.count * this.dimensions, (size) => new Float32Array(size));
      this.dense.set(vector, position * this.dimensions);
    }
  }

  private setMetadata(position: number, entry: IndexedVector, isNew: boolean): void {
    const wasAlive = !isNew && ((this.flags[position] ?? 0) & alive) !== 0;
    const typeIndex = memoryTypes.indexOf(entry.type as MemoryType);
    this.types[position] = typeIndex < 0 ? 255 : typeIndex;
    this.flags[position] = (entry.deleted ? 0 : alive) | (entry.superseded ? superseded : 0);
    this.createdAt[position] = entry.createdAt;
    this.validTo[position] = entry.validTo ?? Number.POSITIVE_INFINITY;
    if (wasAlive && entry.deleted) this.deadCount++;
    if (!isNew && !wasAlive && !entry.deleted) this.deadCount--;
  }

  /**
   * The `limit` most similar live entries passing `filter`, best first; `alsoScore` ids (e.g.
   * lexical candidates) get their similarity in `extra` whether or not they made the top.
   */
  search(
    query: Float32Array,
    filter: VectorFilter,
    alsoScore?: ReadonlySet<string>,
  ): { hits: Array<{ id: string; similarity: number }>; extra: Map<string, number> } {
    const top = new TopK(filter.limit);
    const extra = new Map<string, number>();
    const minimum = filter.minimum ?? 0;
    const typeMask = new Uint8Array(256);
    if (filter.types) for (const type of filter.types) typeMask[memoryTypes.indexOf(type)] = 1;
    const accept = (position: number): boolean => {
      const flags = this.flags[position] ?? 0;
      if ((flags & alive) === 0) return false;
      if (!filter.includeInvalid) {
        if ((flags & superseded) !== 0) return false;
        if ((this.validTo[position] ?? 0) <= filter.now) return false;
      }
      if (filter.types && typeMask[this.types[position] ?? 255] !== 1) return false;
      const created = this.createdAt[position] ?? 0;
      if (filter.from !== undefined && created < filter.from) return false;
      if (filter.to !== undefined && created > filter.to) return false;
      if (filter.allowedIds && !filter.allowedIds.has(this.ids[position] ?? '')) return false;
      return true;
    };
    if (this.sparse) {
      if (this.scratch.length < this.count) this.scratch = new Float32Array(Math.max(this.count, 1024) * 2);
      const scores = this.scratch;
      scores.fill(0, 0, this.count);
      for (let dimension = 0; dimension < this.dimensions; dimension++) {
        const weight = query[dimension] ?? 0;
        if (weight === 0) continue;
        const docs = this.postingDocs[dimension];
        const values = this.postingValues[dimension];
        const length = this.postingLengths[dimension] ?? 0;
        if (!docs || !values) continue;
        // Hot loop: typed-array reads are in bounds by construction, so skip the undefined checks.
        for (let posting = 0; posting < length; posting++) {
          const doc = docs[posting] as number;
          scores[doc] = (scores[doc] as number) + weight * (values[posting] as number);
        }
      }
      let floor = Math.max(minimum, top.floor);
      for (let position = 0; position < this.count; position++) {
        const score = scores[position] as number;
        if (score <= floor) continue;
        if (accept(position)) {
          top.push(score, position);
          floor = Math.max(minimum, top.floor);
        }
      }
      if (alsoScore) {
        for (const id of alsoScore) {
          const position = this.positions.get(id);
          if (position !== undefined) extra.set(id, scores[position] ?? 0);
        }
      }
    } else {
      const dimensions = this.dimensions;
      for (let position = 0; position < this.count; position++) {
        if (!accept(position)) continue;
        let score = 0;
        const base = position * dimensions;
        for (let dimension = 0; dimension < dimensions; dimension++) {
          score += (query[dimension] ?? 0) * (this.dense[base + dimension] ?? 0);
        }
        if (score > minimum) top.push(score, position);
      }
      if (alsoScore) {
        for (const id of alsoScore) {
          const position = this.positions.get(id);
          if (position === undefined) continue;
          let score = 0;
          for (let dimension = 0; dimension < dimensions; dimension++) {
            score += (query[dimension] ?? 0) * (this.dense[position * dimensions + dimension] ?? 0);
          }
          extra.set(id, score);
        }
      }
    }
    const hits = top.sorted().map(({ score, item }) => ({ id: this.ids[item] ?? '', similarity: score }));
    return { hits, extra };
  }
}
