import { describe, expect, it } from 'vitest';
import { answerCloudChallenge } from './answerCloudChallenge.js';

const TOKEN = 'verify-me-please';

describe('answerCloudChallenge', () => {
  it.each([
    {
      label: 'subscribe with our token',
      query: { 'hub.mode': 'subscribe', 'hub.verify_token': TOKEN, 'hub.challenge': '1158201444' },
      answer: '1158201444',
    },
    {
      label: 'another token',
      query: { 'hub.mode': 'subscribe', 'hub.verify_token': 'verify-me-plea5e', 'hub.challenge': '1158201444' },
      answer: null,
    },
    {
      label: 'a token that only starts like ours',
      query: { 'hub.mode': 'subscribe', 'hub.verify_token': 'verify', 'hub.challenge': '1' },
      answer: null,
    },
    {
      label: 'another mode',
      query: { 'hub.mode': 'unsubscribe', 'hub.verify_token': TOKEN, 'hub.challenge': '1' },
      answer: null,
    },
    { label: 'no challenge', query: { 'hub.mode': 'subscribe', 'hub.verify_token': TOKEN }, answer: null },
    {
      label: 'a repeated parameter (an array)',
      query: { 'hub.mode': 'subscribe', 'hub.verify_token': [TOKEN, TOKEN], 'hub.challenge': '1' },
      answer: null,
    },
    { label: 'nothing', query: {}, answer: null },
  ])('$label', ({ query, answer }) => {
    expect(answerCloudChallenge(query, TOKEN)).toBe(answer);
  });
});
