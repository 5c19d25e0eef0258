/** One fact planted in a synthetic chat, the question that asks for it and the answer to look for. */
export interface PlantedFact {
  turn: number;
  statement: string;
  question: string;
  answer: string;
}

export interface SyntheticTurn {
  index: number;
  role: 'user' | 'assistant';
  content: string;
}

const facts: ReadonlyArray<Omit<PlantedFact, 'turn'>> = [
  { statement: "My sister's name is Priya.", question: "What is my sister's name?", answer: 'Priya' },
  { statement: 'I work at Zephyr Robotics.', question: 'Where do I work?', answer: 'Zephyr Robotics' },
  { statement: "I'm allergic to peanuts.", question: 'What am I allergic to?', answer: 'peanuts' },
  { statement: 'My favorite color is teal.', question: 'What is my favorite color?', answer: 'teal' },
  { statement: 'I live in Porto.', question: 'Which city do I live in?', answer: 'Porto' },
  { statement: "My dog's name is Biscuit.", question: "What's my dog called?", answer: 'Biscuit' },
  {
    statement: 'I prefer tabs over spaces for indentation.',
    question: 'Do I prefer tabs or spaces?',
    answer: 'tabs',
  },
  {
    statement: 'Remember that the staging database password rotates every Tuesday.',
    question: 'When does the staging database password rotate?',
    answer: 'Tuesday',
  },
  { statement: 'My manager is Olga Petrov.', question: 'Who is my manager?', answer: 'Olga' },
  {
    statement: 'I need to renew my passport before March.',
    question: 'What do I need to renew?',
    answer: 'passport',
  },
  { statement: 'My birthday is on July 14.', question: 'When is my birthday?', answer: 'July 14' },
  {
    statement: 'I speak Portuguese and Japanese.',
    question: 'Which languages do I speak?',
    answer: 'Japanese',
  },
  {
    statement: 'Always use metric units in reports.',
    question: 'Which units should reports use?',
    answer: 'metric',
  },
  { statement: 'My car is a green Subaru Outback.', question: 'What car do I drive?', answer: 'Subaru' },
  {
    statement: 'I studied marine biology at Dalhousie.',
    question: 'What did I study?',
    answer: 'marine biology',
  },
  {
    statement: 'My favorite band is Khruangbin.',
    question: 'What is my favorite band?',
    answer: 'Khruangbin',
  },
  { statement: 'Marcus works at Helix Labs.', question: 'Where does Marcus work?', answer: 'Helix Labs' },
  { statement: 'I love spicy Sichuan food.', question: 'What food do I love?', answer: 'Sichuan' },
  { statement: 'Never deploy on Fridays.', question: 'When should we never deploy?', answer: 'Fridays' },
  { statement: 'My laptop is a ThinkPad X1 Carbon.', question: 'What laptop do I use?', answer: 'ThinkPad' },
  { statement: 'My timezone is UTC+9.', question: 'What timezone am I in?', answer: 'UTC+9' },
  {
    statement: 'I want to run a marathon in October.',
    question: 'What is my running goal?',
    answer: 'marathon',
  },
  {
    statement: "My son's school is Riverside Elementary.",
    question: 'What school does my son attend?',
    answer: 'Riverside',
  },
  {
    statement: 'Remember that the API rate limit is 600 requests per minute.',
    question: 'What is the API rate limit?',
    answer: '600',
  },
  { statement: 'I dislike cilantro.', question: 'Which herb do I dislike?', answer: 'cilantro' },
  { statement: 'My cat is named Mochi.', question: "What is my cat's name?", answer: 'Mochi' },
  { statement: 'Hannah is my accountant.', question: 'Who is my accountant?', answer: 'Hannah' },
  {
    statement: 'I have to submit the grant report by June 30.',
    question: 'When is the grant report due?',
    answer: 'June 30',
  },
  { statement: 'My preferred editor is Zed.', question: 'Which editor do I prefer?', answer: 'Zed' },
  {
    statement: 'My wifi network is called Nebula-5G.',
    question: 'What is my wifi network called?',
    answer: 'Nebula',
  },
];

/** mulberry32: a tiny deterministic PRNG. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const components = [
  'parser',
  'billing',
  'search',
  'auth',
  'scheduler',
  'exporter',
  'gateway',
  'renderer',
  'cache',
];
const changes = ['logging', 'retry', 'pagination', 'timeout', 'schema', 'dependency', 'config', 'caching'];
const userFillers = [
  'Can you help me refactor the {c} module?',
  'The {c} tests are failing after the {x} change.',
  "Let's look at the {c} logs from yesterday.",
  'What would you suggest for the {x} handling in {c}?',
  'Please summarize the open questions about {c}.',
  'Is the {x} change in {c} safe to merge?',
  'How long does the {c} build take now?',
  'Could you draft release notes for the {x} update?',
];
const assistantFillers = [
  'Sure. I would start by checking the {c} configuration and the recent {x} commits.',
  'The {c} failures look related to the {x} change; a targeted rollback would confirm it.',
  'Here is a plan: isolate {c}, add a test for {x}, then re-run the suite.',
  'The {x} handling in {c} can be simplified with one shared helper.',
  'I reviewed the {c} module; the {x} path has two edge cases worth covering.',
  'Done. The {c} notes now mention the {x} update.',
];

/**
 * A deterministic synthetic chat of `turns` messages (user first, alternating) with the 30
 * facts planted in user turns: the first at turn index 2 (the third message), the rest spread out.
 */
export function plantedFactsChat(turns = 2000, seed = 42): { turns: SyntheticTurn[]; facts: PlantedFact[] } {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const planted = new Map<number, Omit<PlantedFact, 'turn'>>();
  const spacing = Math.floor((turns - 10) / facts.length);
  facts.forEach((fact, index) => {
    const turn = 2 + index * spacing;
    planted.set(turn - (turn % 2), fact);
  });
  const output: SyntheticTurn[] = [];
  const plantedFacts: PlantedFact[] = [];
  for (let index = 0; index < turns; index++) {
    const role = index % 2 === 0 ? 'user' : 'assistant';
    const fact = planted.get(index);
    const fill = (template: string) =>
      template.replace('{c}', pick(components)).replace('{x}', pick(changes));
    if (fact && role === 'user') {
      output.push({ index, role, content: `${fill(pick(userFillers))} ${fact.statement}` });
      plantedFacts.push({ ...fact, turn: index });
    } else {
      output.push({ index, role, content: fill(pick(role === 'user' ? userFillers : assistantFillers)) });
    }
  }
  return { turns: output, facts: plantedFacts };
}
