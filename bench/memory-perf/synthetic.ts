import type { MemoryInput } from '../../src/memory/index.js';
import { seededRandom } from '../../src/memory/test-support/planted-facts.js';

/** The synthetic memories of the memory benches: names, topics, verbs and invented words. */
export const topics = [
  'deploy',
  'billing',
  'invoice',
  'parser',
  'garden',
  'travel',
  'recipe',
  'guitar',
  'marathon',
  'budget',
  'kubernetes',
  'postgres',
  'dentist',
  'birthday',
  'flight',
  'hotel',
  'laptop',
  'keyboard',
  'novel',
  'podcast',
];
const verbs = [
  'prefers',
  'needs',
  'mentioned',
  'scheduled',
  'fixed',
  'booked',
  'reviewed',
  'bought',
  'cancelled',
  'planned',
];
export const names = [
  'Priya',
  'Marcus',
  'Olga',
  'Hannah',
  'Kenji',
  'Amara',
  'Luis',
  'Sofia',
  'Tariq',
  'Mei',
  'Jonas',
  'Ada',
];

export function syllableWord(random: () => number): string {
  const syllables = [
    'ka',
    'lo',
    'ri',
    'ven',
    'tas',
    'mor',
    'eli',
    'qu',
    'zan',
    'dor',
    'pe',
    'shi',
    'ran',
    'tov',
    'ul',
  ];
  const length = 2 + Math.floor(random() * 2);
  let word = '';
  for (let index = 0; index < length; index++) word += syllables[Math.floor(random() * syllables.length)];
  return word;
}

/** Deterministic synthetic memories: names, topics, verbs and a long tail of invented words. */
export function syntheticMemories(count: number, scope: MemoryInput['scope'], seed = 7): MemoryInput[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)] as T;
  const vocabulary = Array.from({ length: 20_000 }, () => syllableWord(random));
  const types = ['episodic', 'semantic', 'preference', 'goal', 'procedural', 'relationship'] as const;
  return Array.from({ length: count }, (_, index) => {
    const extra = Array.from({ length: 6 + Math.floor(random() * 8) }, () => pick(vocabulary)).join(' ');
    return {
      scope,
      type: pick(types),
      content: `${pick(names)} ${pick(verbs)} the ${pick(topics)} ${pick(topics)} item ${index}: ${extra}`,
      importance: Math.round(random() * 100) / 100,
      tags: random() < 0.2 ? [pick(topics)] : [],
    };
  });
}
