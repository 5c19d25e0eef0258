import { describe, expect, it } from 'vitest';
import { extractFactsOffline } from './offline-extractor.js';
import { splitSentences } from './sentences.js';

describe('splitSentences', () => {
  it.each([
    ['My dentist is Dr. Okonkwo on Elm Street.', ['My dentist is Dr. Okonkwo on Elm Street.']],
    ['I met Mr. Smith and Mrs. Jones today.', ['I met Mr. Smith and Mrs. Jones today.']],
    ['We moved to St. Louis last year. It is warm.', ['We moved to St. Louis last year.', 'It is warm.']],
    ['The call is at 9 a.m. tomorrow. Be on time.', ['The call is at 9 a.m. tomorrow.', 'Be on time.']],
    ['Bring fruit, e.g. apples or pears. Thanks!', ['Bring fruit, e.g. apples or pears.', 'Thanks!']],
    ['Use a plain editor, i.e. no plugins.', ['Use a plain editor, i.e. no plugins.']],
    ['Prof. Lee works at Acme Inc. in Ohio.', ['Prof. Lee works at Acme Inc. in Ohio.']],
    ['The budget is 3.5 million. Really?', ['The budget is 3.5 million.', 'Really?']],
    ['I live in Porto! Do you?', ['I live in Porto!', 'Do you?']],
    ['First line\nsecond line', ['First line', 'second line']],
    ['He said "Stop." Then he left.', ['He said "Stop."', 'Then he left.']],
    ['  ', []],
  ])('%j', (text, expected) => {
    expect(splitSentences(text)).toEqual(expected);
  });
});

describe('offline extraction keeps abbreviations inside a fact', () => {
  it.each([
    ['My dentist is Dr. Okonkwo on Elm Street.', "The user's dentist is Dr. Okonkwo on Elm Street."],
    ['My landlord is Mr. Haddad.', "The user's landlord is Mr. Haddad."],
    ['My office is on St. Mark St. near the park.', "The user's office is on St. Mark St. near the park."],
    ['My standup is at 9 a.m. every day.', "The user's standup is at 9 a.m. every day."],
  ])('%j', (text, fact) => {
    expect(extractFactsOffline(text, 5).map((extracted) => extracted.content)).toEqual([fact]);
  });
});
