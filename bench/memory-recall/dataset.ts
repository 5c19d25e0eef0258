import { seededRandom } from '../../src/memory/test-support/planted-facts.js';

/** A question about one synthetic conversation and the message ids that hold its evidence. */
export interface RecallQuestion {
  conversation: number;
  kind: 'paraphrase' | 'keyword';
  question: string;
  evidence: string[];
}

export interface RecallConversation {
  index: number;
  messages: Array<{ id: string; role: 'user' | 'assistant'; content: string }>;
}

const cities = [
  'Porto',
  'Tallinn',
  'Valparaiso',
  'Kyoto',
  'Ghent',
  'Tbilisi',
  'Oaxaca',
  'Bergen',
  'Hobart',
  'Leipzig',
];
const companies = [
  'Quillfeather',
  'Brightloom',
  'Nortwind Freight',
  'Cobaltline',
  'Harbor & Finch',
  'Tessellate',
];
const pets = ['Biscuit', 'Pepper', 'Juniper', 'Waffles', 'Orzo', 'Clementine'];
const instruments = ['cello', 'banjo', 'ukulele', 'oboe', 'harmonica', 'accordion'];
const months = ['March', 'June', 'September', 'November'];
const codenames = ['Kestrel', 'Falcon', 'Osprey', 'Heron', 'Plover', 'Merlin', 'Shrike', 'Avocet'];
const services = [
  'ledger',
  'ingest',
  'notifier',
  'thumbnailer',
  'geocoder',
  'scheduler',
  'mailer',
  'indexer',
];
const people = ['Ravi', 'Ines', 'Tomasz', 'Yuki', 'Farah', 'Bruno', 'Linnea', 'Kofi'];
const teams = ['platform', 'payments', 'growth', 'data', 'mobile', 'infra', 'search', 'identity'];

const userFillers = [
  'Can you help me refactor the {c} module?',
  'The {c} tests are failing after the {x} change.',
  "Let's look at the {c} logs from yesterday.",
  'What would you suggest for the {x} handling in {c}?',
  'Please summarize the open questions about {c}.',
  'Is the {x} change in {c} safe to merge?',
];
const assistantFillers = [
  'Sure. I would start by checking the {c} configuration and the recent {x} commits.',
  'The {c} failures look related to the {x} change; a targeted rollback would confirm it.',
  'Here is a plan: isolate {c}, add a test for {x}, then re-run the suite.',
  'I reviewed the {c} module; the {x} path has two edge cases worth covering.',
];
const components = ['parser', 'billing', 'search', 'auth', 'exporter', 'gateway', 'renderer', 'cache'];
const changes = ['logging', 'retry', 'pagination', 'timeout', 'schema', 'dependency', 'config'];

/**
 * Deterministic long conversations (user/assistant alternating) with planted evidence and
 * questions of two kinds: `paraphrase` (the question shares almost no words with the evidence —
 * lexical search misses, the embedder's morphology and concept features can help) and `keyword`
 * (eight near-identical statements that differ only in a rare name, or in the order of an id's digits — meant to
 * confuse vectors; BM25 matches them exactly. In practice the offline embedder's whole-word features
 * still separate them at @5, so this set shows no vector weakness; see bench/RESULTS.md).
 */
export function recallDataset(conversations = 8, turnsPerConversation = 400, seed = 2026) {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)] as T;
  const fill = (template: string) => template.replace('{c}', pick(components)).replace('{x}', pick(changes));
  const result: { conversations: RecallConversation[]; questions: RecallQuestion[] } = {
    conversations: [],
    questions: [],
  };
  for (let index = 0; index < conversations; index++) {
    const planted: Array<{ statement: string; question?: string; kind?: RecallQuestion['kind'] }> = [];
    const city = pick(cities);
    const company = pick(companies);
    const pet = pick(pets);
    const instrument = pick(instruments);
    planted.push(
      {
        statement: `I moved to ${city} last spring.`,
        question: 'Where is my home these days?',
        kind: 'paraphrase',
      },
      {
        statement: `My employer is ${company}.`,
        question: 'Which company do I work for?',
        kind: 'paraphrase',
      },
      {
        statement: `I adopted a puppy called ${pet}.`,
        question: "What is my dog's name?",
        kind: 'paraphrase',
      },
      {
        statement: `My mother turns 70 in ${pick(months)}.`,
        question: 'How old will my mom be?',
        kind: 'paraphrase',
      },
      {
        statement: `I really enjoy playing the ${instrument} on weekends.`,
        question: 'Which musical instrument do I like?',
        kind: 'paraphrase',
      },
    );
    const asked = new Set([Math.floor(random() * 8), Math.floor(random() * 8)]);
    codenames.forEach((codename, position) => {
      const token = 1000 + Math.floor(random() * 9000);
      planted.push({
        statement: `The VPN token for ${codename} is ${token}.`,
        ...(asked.has(position)
          ? { question: `What is the ${codename} VPN token?`, kind: 'keyword' as const }
          : {}),
      });
    });
    services.forEach((service, position) => {
      planted.push({
        statement: `${people[position]} from the ${teams[position]} team owns the ${service} service.`,
        ...(asked.has(position)
          ? { question: `Who owns the ${service} service?`, kind: 'keyword' as const }
          : {}),
      });
    });
    const orders = ['4471', '4417', '4714', '4741', '7441', '7414', '1447', '1474'];
    orders.forEach((order, position) => {
      planted.push({
        statement: `Order ${order} shipped to ${cities[(index + position) % cities.length]} this week.`,
        ...(asked.has(position)
          ? { question: `Where did order ${order} ship?`, kind: 'keyword' as const }
          : {}),
      });
    });
    const spacing = Math.floor((turnsPerConversation - 4) / planted.length);
    const slots = new Map(
      planted.map((fact, position) => [2 + position * spacing - ((2 + position * spacing) % 2), fact]),
    );
    const messages: RecallConversation['messages'] = [];
    for (let turn = 0; turn < turnsPerConversation; turn++) {
      const role = turn % 2 === 0 ? 'user' : 'assistant';
      const id = `c${index}_m${turn}`;
      const fact = slots.get(turn);
      if (fact && role === 'user') {
        messages.push({ id, role, content: `${fill(pick(userFillers))} ${fact.statement}` });
        if (fact.question && fact.kind) {
          result.questions.push({
            conversation: index,
            kind: fact.kind,
            question: fact.question,
            evidence: [id],
          });
        }
      } else {
        messages.push({ id, role, content: fill(pick(role === 'user' ? userFillers : assistantFillers)) });
      }
    }
    result.conversations.push({ index, messages });
  }
  return result;
}
