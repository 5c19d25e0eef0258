import type { Embedder } from './embedder.js';
import { normalizeVector } from './embedder.js';
import { isStopWord, words } from './text.js';

/**
 * A tiny hand-written concept lexicon: words in one group share a feature, so "job" and
 * "employer" overlap a little. It is not a language model; docs/memory.md lists its limits.
 */
const conceptGroups: readonly string[][] = [
  ['job', 'work', 'works', 'working', 'employer', 'employed', 'company', 'office', 'career', 'profession'],
  ['live', 'lives', 'living', 'home', 'house', 'apartment', 'reside', 'resides', 'city', 'hometown', 'moved'],
  [
    'like',
    'likes',
    'love',
    'loves',
    'enjoy',
    'enjoys',
    'favorite',
    'favourite',
    'prefer',
    'prefers',
    'preferred',
    'preference',
    'fond',
  ],
  ['dislike', 'hate', 'hates', 'avoid', 'avoids', 'cannot', 'stand'],
  ['eat', 'eats', 'food', 'meal', 'dish', 'cuisine', 'diet', 'vegetarian', 'vegan', 'allergic', 'allergy'],
  ['drink', 'drinks', 'coffee', 'tea', 'beverage', 'espresso', 'latte'],
  ['pet', 'pets', 'dog', 'cat', 'puppy', 'kitten', 'animal'],
  ['car', 'cars', 'vehicle', 'drive', 'drives', 'truck', 'bike', 'bicycle'],
  ['birthday', 'born', 'birth', 'age', 'old'],
  [
    'sister',
    'brother',
    'sibling',
    'mother',
    'father',
    'mom',
    'dad',
    'parent',
    'family',
    'daughter',
    'son',
    'wife',
    'husband',
    'partner',
  ],
  ['friend', 'colleague', 'coworker', 'manager', 'boss', 'teammate', 'mentor'],
  ['name', 'named', 'called', 'call'],
  ['goal', 'plan', 'plans', 'want', 'wants', 'need', 'needs', 'deadline', 'finish', 'aim', 'intend', 'todo'],
  ['travel', 'trip', 'vacation', 'holiday', 'flight', 'fly', 'visit', 'visiting'],
  ['language', 'speak', 'speaks', 'english', 'spanish', 'french', 'german', 'japanese'],
  ['code', 'coding', 'program', 'programming', 'language', 'python', 'typescript', 'rust', 'java', 'editor'],
  ['music', 'song', 'songs', 'band', 'guitar', 'piano', 'play', 'plays', 'instrument'],
  [
    'sport',
    'sports',
    'run',
    'running',
    'gym',
    'exercise',
    'swim',
    'swimming',
    'tennis',
    'football',
    'soccer',
    'hiking',
  ],
  ['book', 'books', 'read', 'reading', 'novel', 'author'],
  ['movie', 'movies', 'film', 'films', 'watch', 'show', 'series'],
  ['color', 'colour', 'blue', 'red', 'green', 'teal', 'purple', 'yellow', 'orange', 'black', 'white'],
  ['meeting', 'meet', 'call', 'schedule', 'calendar', 'appointment', 'standup'],
  ['money', 'budget', 'cost', 'price', 'salary', 'pay', 'expensive', 'cheap'],
  ['study', 'studied', 'school', 'university', 'college', 'degree', 'major', 'graduated'],
  ['phone', 'email', 'contact', 'address', 'number'],
  ['sick', 'ill', 'health', 'doctor', 'medicine', 'medication', 'hospital'],
  ['weather', 'rain', 'sunny', 'cold', 'hot', 'snow'],
  ['timezone', 'time', 'zone', 'utc', 'morning', 'evening', 'night'],
];

const concepts = new Map<string, number[]>();
conceptGroups.forEach((group, index) => {
  for (const word of group) concepts.set(word, [...(concepts.get(word) ?? []), index]);
});

/** FNV-1a, 32 bits. */
function hash(text: string): number {
  let value = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    value ^= text.charCodeAt(index);
    value = Math.imul(value, 0x01000193);
  }
  return value >>> 0;
}

/** A crude suffix stripper so "sisters", "working" and "worked" share a unigram feature. */
export function stem(word: string): string {
  if (word.length > 5 && word.endsWith('ing')) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith('ed')) return word.slice(0, -2);
  if (word.length > 4 && word.endsWith('es')) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

function add(vector: Float32Array, feature: string, weight: number): void {
  const value = hash(feature);
  const bucket = value % vector.length;
  const sign = (value & 0x80000000) === 0 ? 1 : -1;
  vector[bucket] = (vector[bucket] ?? 0) + sign * weight;
}

export interface OfflineEmbedderOptions {
  /** Vector size; 256–1024 are sensible. Default 512. */
  dimensions?: number;
}

/**
 * The built-in offline embedder: signed feature hashing of word stems (weight 1), concept-group
 * ids from a small lexicon (weight 0.8) and character trigrams of each word (weight 0.3) into
 * `dimensions` buckets, L2-normalized. Deterministic, no network, ~10 µs per sentence. It captures
 * shared words, morphology and spelling variants — not meaning. See docs/memory.md.
 */
export function createOfflineEmbedder(options: OfflineEmbedderOptions = {}): Embedder {
  const dimensions = options.dimensions ?? 512;
  function embedOne(text: string): Float32Array {
    const vector = new Float32Array(dimensions);
    for (const word of words(text)) {
      if (isStopWord(word)) {
        add(vector, `w:${word}`, 0.15);
        continue;
      }
      add(vector, `w:${stem(word)}`, 1);
      for (const concept of concepts.get(word) ?? []) add(vector, `c:${concept}`, 0.8);
      const padded = `<${word}>`;
      for (let index = 0; index + 3 <= padded.length; index++)
        add(vector, `t:${padded.slice(index, index + 3)}`, 0.3);
    }
    return normalizeVector(vector);
  }
  return {
    modelId: `offline:hash-${dimensions}`,
    dimensions,
    sparse: true,
    async embed(texts) {
      return texts.map(embedOne);
    },
  };
}
