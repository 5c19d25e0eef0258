import { seededRandom } from '../../src/memory/test-support/planted-facts.js';
import * as words from './vocabulary.js';

/**
 * What a question tests: `paraphrase` (shares almost no words with the evidence), `keyword` (one of
 * eight near-identical statements, told apart by a rare name or digit order), `neighbour` (the
 * answer is the reply next to the turn that matches), `temporal` (the date lives only in the
 * session: "yesterday" in a session of May 2023, asked "in May 2023"), `spread` (the answer is
 * several turns of different sessions: "in 2022").
 */
export const questionKinds = ['paraphrase', 'keyword', 'neighbour', 'temporal', 'spread'] as const;
export type QuestionKind = (typeof questionKinds)[number];

/** A question about one synthetic conversation and the message ids that hold its evidence. */
export interface RecallQuestion {
  conversation: number;
  kind: QuestionKind;
  question: string;
  evidence: string[];
}

export interface RecallMessage {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  /** When the message was sent (its session's date; the text itself rarely names it). */
  at: number;
}

export interface RecallConversation {
  index: number;
  messages: RecallMessage[];
}

/** A planted run of turns (one statement, or an assistant question and the user's reply). */
interface Plant {
  turns: Array<{ role: 'user' | 'assistant'; text: string }>;
  question?: { kind: QuestionKind; text: string };
  /** The session it must go to (temporal plants), else spread round-robin. */
  session?: number;
  /** For temporal plants: how many days before its message the activity happened. */
  daysBefore?: number;
}

const day = 86_400_000;
const firstSession = Date.UTC(2022, 0, 20, 18);
const sessionGap = 40 * day;

function monthYear(at: number): string {
  const date = new Date(at);
  return `${words.monthNames[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}

/**
 * Deterministic long conversations of `sessions` dated sessions (40 days apart from January 2022,
 * `turnsPerSession` alternating user/assistant turns each) with planted evidence and questions of
 * the kinds above — the properties of the misses measured on a held-out benchmark (issue 14).
 */
export function recallDataset(conversations = 8, sessions = 16, turnsPerSession = 25, seed = 2026) {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)] as T;
  const shuffled = <T>(items: readonly T[]) =>
    items
      .map((item) => ({ item, key: random() }))
      .sort((a, b) => a.key - b.key)
      .map((entry) => entry.item);
  const fill = (template: string) =>
    template.replace('{c}', pick(words.components)).replace('{x}', pick(words.changes));
  const result: { conversations: RecallConversation[]; questions: RecallQuestion[] } = {
    conversations: [],
    questions: [],
  };
  for (let index = 0; index < conversations; index++) {
    const plants = plantsFor(index, sessions, { random, pick, shuffled });
    const bySession = new Map<number, Plant[]>();
    let next = 0;
    for (const plant of plants) {
      const session = plant.session ?? next++ % sessions;
      bySession.set(session, [...(bySession.get(session) ?? []), plant]);
    }
    const messages: RecallMessage[] = [];
    const groups = new Map<string, string[]>();
    for (let session = 0; session < sessions; session++) {
      const start = firstSession + session * sessionGap;
      const planted = bySession.get(session) ?? [];
      const slots = new Map<number, Plant>();
      const spacing = Math.floor(turnsPerSession / (planted.length + 1));
      planted.forEach((plant, position) => {
        // a plant's first turn has the role of its first line: user turns are even, assistant odd
        const base = (position + 1) * spacing;
        const wanted = plant.turns[0]?.role === 'user' ? 0 : 1;
        slots.set(base % 2 === wanted ? base : base + 1, plant);
      });
      for (let turn = 0; turn < turnsPerSession; turn++) {
        const plant = slots.get(turn);
        const at = start + turn * 60_000;
        const id = () => `c${index}_m${messages.length}`;
        if (plant) {
          const ids: string[] = [];
          for (const line of plant.turns) {
            ids.push(id());
            messages.push({ id: id(), role: line.role, content: line.text, at });
          }
          turn += plant.turns.length - 1;
          const evidence = ids.slice(-1);
          const happened = at - (plant.daysBefore ?? 0) * day;
          if (plant.daysBefore !== undefined) {
            const year = String(new Date(happened).getUTCFullYear());
            groups.set(year, [...(groups.get(year) ?? []), ...evidence]);
          }
          const text = plant.question?.text.replace('{when}', monthYear(happened));
          if (plant.question && text) {
            result.questions.push({
              conversation: index,
              kind: plant.question.kind,
              question: text,
              evidence,
            });
          }
          continue;
        }
        const role = turn % 2 === 0 ? 'user' : 'assistant';
        const templates = role === 'user' ? words.userFillers : words.assistantFillers;
        messages.push({ id: id(), role, content: fill(pick(templates)), at });
      }
    }
    for (const [group, evidence] of groups) {
      result.questions.push({
        conversation: index,
        kind: 'spread',
        question: `Which half marathons did I run in ${group}?`,
        evidence,
      });
    }
    result.conversations.push({ index, messages });
  }
  return result;
}

interface Pickers {
  random: () => number;
  pick: <T>(items: readonly T[]) => T;
  shuffled: <T>(items: readonly T[]) => T[];
}

/** The planted statements of one conversation and the questions that ask for them. */
function plantsFor(index: number, sessions: number, { random, pick, shuffled }: Pickers): Plant[] {
  const say = (text: string, question?: Plant['question']): Plant => ({
    turns: [{ role: 'user', text }],
    ...(question ? { question } : {}),
  });
  const paraphrase = (text: string): Plant['question'] => ({ kind: 'paraphrase', text });
  const plants: Plant[] = [
    say(`I moved to ${pick(words.cities)} last spring.`, paraphrase('Where is my home these days?')),
    say(`My employer is ${pick(words.companies)}.`, paraphrase('Which company do I work for?')),
    say(`I adopted a puppy called ${pick(words.pets)}.`, paraphrase("What is my dog's name?")),
    say(`My mother turns 70 in ${pick(words.months)}.`, paraphrase('How old will my mom be?')),
    say(
      `I really enjoy playing the ${pick(words.instruments)} on weekends.`,
      paraphrase('Which musical instrument do I like?'),
    ),
  ];
  const asked = new Set([Math.floor(random() * 8), Math.floor(random() * 8)]);
  const keyword = (position: number, text: string): Plant['question'] =>
    asked.has(position) ? { kind: 'keyword', text } : undefined;
  words.codenames.forEach((codename, position) => {
    const token = 1000 + Math.floor(random() * 9000);
    plants.push(
      say(
        `The VPN token for ${codename} is ${token}.`,
        keyword(position, `What is the ${codename} VPN token?`),
      ),
    );
  });
  words.services.forEach((service, position) => {
    plants.push(
      say(
        `${words.people[position]} from the ${words.teams[position]} team owns the ${service} service.`,
        keyword(position, `Who owns the ${service} service?`),
      ),
    );
  });
  words.orders.forEach((order, position) => {
    const city = words.cities[(index + position) % words.cities.length];
    plants.push(
      say(
        `Order ${order} shipped to ${city} this week.`,
        keyword(position, `Where did order ${order} ship?`),
      ),
    );
  });
  for (const [position, outing] of shuffled(words.outings).slice(0, 3).entries()) {
    plants.push({
      turns: [
        { role: 'assistant', text: `How was the ${outing.place} with your ${outing.who}?` },
        { role: 'user', text: words.reactions[(index + position) % words.reactions.length] ?? '' },
      ],
      question: { kind: 'neighbour', text: `How did my ${outing.who} like the ${outing.place}?` },
    });
  }
  const races = shuffled(words.cities).slice(0, Math.min(12, sessions));
  races.forEach((city, session) => {
    const when = pick(words.relativeDays);
    plants.push({
      turns: [{ role: 'user', text: `${when.text} I ran the ${city} half marathon.` }],
      session,
      daysBefore: when.days,
      ...(session % 4 === 1
        ? { question: { kind: 'temporal', text: 'Which half marathon did I run in {when}?' } }
        : {}),
    });
  });
  return plants;
}
