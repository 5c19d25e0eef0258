import { splitSentences } from './sentences.js';
import type { MemoryType } from './types.js';

/** A memory found in one message, before scope and dedup. */
export interface ExtractedFact {
  type: Exclude<MemoryType, 'episodic'>;
  content: string;
  importance: number;
  tags: string[];
  pinned: boolean;
  subject?: string | undefined;
}

function toThirdPerson(text: string): string {
  return text
    .replace(/\bI'm\b/gi, 'the user is')
    .replace(/\bI am\b/gi, 'the user is')
    .replace(/\bI've\b/gi, 'the user has')
    .replace(/\bmy\b/gi, "the user's")
    .replace(/\bmine\b/gi, "the user's")
    .replace(/\bme\b/gi, 'the user')
    .replace(/\bI\b/g, 'the user')
    .replace(/\bmyself\b/gi, 'the user');
}

function sentenceCase(text: string): string {
  const trimmed = text.trim().replace(/[\s.!?]+$/, '');
  return `${trimmed.charAt(0).toUpperCase()}${trimmed.slice(1)}.`;
}

type Rule = (sentence: string) => ExtractedFact | null;

const rules: Rule[] = [
  (sentence) => {
    const match = /^(?:please\s+)?(?:remember|note|keep in mind)(?:\s+that)?[:,]?\s+(.{3,})/i.exec(sentence);
    return match?.[1]
      ? {
          type: 'semantic',
          content: sentenceCase(toThirdPerson(match[1])),
          importance: 0.8,
          tags: ['remembered'],
          pinned: false,
        }
      : null;
  },
  (sentence) => {
    const match = /^(always|never)\s+(.{3,})/i.exec(sentence);
    return match?.[1] && match[2]
      ? {
          type: 'procedural',
          content: sentenceCase(`${match[1]} ${toThirdPerson(match[2])}`),
          importance: 0.8,
          tags: ['constraint'],
          pinned: true,
        }
      : null;
  },
  (sentence) => {
    const match = /\bmy\s+([\p{L}\p{N}' -]{2,40}?)\s+(is|are|was)\s+(.{1,200})/iu.exec(sentence);
    if (!match?.[1] || !match[3]) return null;
    const subject = match[1].toLowerCase().trim();
    return {
      type: /^(favou?rite|preferred)\b/.test(subject) ? 'preference' : 'semantic',
      content: sentenceCase(`The user's ${subject} ${match[2]} ${toThirdPerson(match[3])}`),
      importance: 0.6,
      tags: [],
      pinned: false,
      subject: `user.${subject}`,
    };
  },
  (sentence) => {
    const match =
      /\bi\s+(?:really\s+|usually\s+|strongly\s+)?(prefer|like|love|enjoy|hate|dislike|can't stand|cannot stand)\s+(.{2,200})/i.exec(
        sentence,
      );
    if (!match?.[1] || !match[2]) return null;
    const verb = match[1].toLowerCase();
    const third = verb.endsWith('e') ? `${verb}s` : verb.startsWith('can') ? verb : `${verb}s`;
    return {
      type: 'preference',
      content: sentenceCase(`The user ${third} ${toThirdPerson(match[2])}`),
      importance: 0.6,
      tags: [],
      pinned: false,
    };
  },
  (sentence) => {
    const match =
      /\b(?:i\s+(?:need to|have to|must|want to|plan to|intend to|am going to|'m going to|will)|my goal is to|i'm trying to|i am trying to)\s+(.{3,200})/i.exec(
        sentence,
      );
    return match?.[1]
      ? {
          type: 'goal',
          content: sentenceCase(`The user needs to ${toThirdPerson(match[1])}`),
          importance: 0.7,
          tags: ['open-goal'],
          pinned: true,
        }
      : null;
  },
  (sentence) => {
    const match = /\bi\s+(?:work|am working)\s+(at|for)\s+(.{2,120})/i.exec(sentence);
    return match?.[1] && match[2]
      ? {
          type: 'relationship',
          content: sentenceCase(`The user works ${match[1].toLowerCase()} ${toThirdPerson(match[2])}`),
          importance: 0.6,
          tags: [],
          pinned: false,
          subject: 'user works at',
        }
      : null;
  },
  (sentence) => {
    const match = /^([\p{Lu}][\p{L}]+(?:\s[\p{Lu}][\p{L}]+)?)\s+works\s+(at|for)\s+(.{2,120})/u.exec(
      sentence,
    );
    return match?.[1] && match[2] && match[3]
      ? {
          type: 'relationship',
          content: sentenceCase(`${match[1]} works ${match[2]} ${toThirdPerson(match[3])}`),
          importance: 0.5,
          tags: [`entity:${match[1].toLowerCase()}`],
          pinned: false,
          subject: `${match[1].toLowerCase()} works at`,
        }
      : null;
  },
  (sentence) => {
    const match = /^([\p{Lu}][\p{L}]+)\s+is\s+my\s+([\p{L} ]{2,40})/u.exec(sentence);
    return match?.[1] && match[2]
      ? {
          type: 'relationship',
          content: sentenceCase(`${match[1]} is the user's ${match[2].trim()}`),
          importance: 0.6,
          tags: [`entity:${match[1].toLowerCase()}`],
          pinned: false,
          subject: `user.${match[2].trim().toLowerCase()}`,
        }
      : null;
  },
  (sentence) => {
    const match =
      /\bi\s+(live in|moved to|am allergic to|'m allergic to|was born in|speak|studied)\s+(.{2,160})/i.exec(
        sentence,
      );
    if (!match?.[1] || !match[2]) return null;
    const verb = match[1].toLowerCase().replace(/^'m/, 'am');
    const phrase = verb
      .replace(/^live in/, 'lives in')
      .replace(/^am /, 'is ')
      .replace(/^speak$/, 'speaks');
    return {
      type: 'semantic',
      content: sentenceCase(`The user ${phrase} ${toThirdPerson(match[2])}`),
      importance: verb.includes('allergic') ? 0.9 : 0.6,
      tags: [],
      pinned: verb.includes('allergic'),
      subject: verb === 'live in' || verb === 'moved to' ? 'user.home' : undefined,
    };
  },
];

/**
 * The deterministic extractor used when no real model is available: first-person statements
 * ("my X is Y", "I prefer…", "remember that…", "I need to…", "always/never…", "X works at Y",
 * "I live in…") become typed, third-person memories. At most one fact per sentence.
 */
export function extractFactsOffline(text: string, limit: number): ExtractedFact[] {
  const facts: ExtractedFact[] = [];
  for (const sentence of splitSentences(text)) {
    if (facts.length >= limit) break;
    if (sentence.endsWith('?')) continue;
    for (const rule of rules) {
      const fact = rule(sentence);
      if (fact) {
        facts.push(fact);
        break;
      }
    }
  }
  return facts;
}
