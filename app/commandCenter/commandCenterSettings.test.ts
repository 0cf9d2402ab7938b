import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../core/config/loadConfig.js';

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('Command Center settings', () => {
  it('reads the session secret, the Open311 keys (comma separated) and the TV wall token', () => {
    expect(
      loadConfig({
        SESSION_SECRET: 's'.repeat(32),
        OPEN311_API_KEYS: ' key-one-0123456789abc , key_two_0123456789abc,, ',
        TV_WALL_TOKEN: 't'.repeat(24),
      }).commandCenter,
    ).toEqual({
      sessionSecret: 's'.repeat(32),
      open311ApiKeys: ['key-one-0123456789abc', 'key_two_0123456789abc'],
      tvWallToken: 't'.repeat(24),
      streams: { perOfficer: 5, tvWall: 100, tvWallPerClient: 10 },
      exportMaxRows: 50_000,
    });
  });

  it('reads the most rows an export holds, a whole number above zero', () => {
    expect(loadConfig({ EXPORT_MAX_ROWS: '10000' }).commandCenter.exportMaxRows).toBe(10_000);
    expect(loadConfig({ EXPORT_MAX_ROWS: '' }).commandCenter.exportMaxRows).toBe(50_000);
    for (const bad of ['0', 'ten thousand', '-5'])
      expect(problemsOf({ EXPORT_MAX_ROWS: bad })).toContain('EXPORT_MAX_ROWS');
  });

  it('reads the event stream limits, per officer and for the TV wall', () => {
    expect(
      loadConfig({ EVENT_STREAMS_PER_OFFICER: '2', TV_WALL_STREAMS: '40', TV_WALL_STREAMS_PER_CLIENT: '4' })
        .commandCenter.streams,
    ).toEqual({ perOfficer: 2, tvWall: 40, tvWallPerClient: 4 });
    expect(problemsOf({ TV_WALL_STREAMS: '0' })).toContain('TV_WALL_STREAMS');
  });

  it.each([
    { label: 'a short session secret', env: { SESSION_SECRET: 'short' }, names: 'SESSION_SECRET' },
    { label: 'a short Open311 key', env: { OPEN311_API_KEYS: 'good-key-0123456789,tiny' }, names: 'OPEN311_API_KEYS' },
    { label: 'a short TV token', env: { TV_WALL_TOKEN: 'tv-short' }, names: 'TV_WALL_TOKEN' },
    {
      label: 'production without a session secret',
      env: { NODE_ENV: 'production' },
      names: 'SESSION_SECRET: is required when NODE_ENV=production',
    },
  ] as Array<{ label: string; env: Record<string, string>; names: string }>)(
    'refuses $label, naming it without echoing the value',
    ({ env, names }) => {
      const message = problemsOf(env);
      expect(message).toContain(names);
      for (const value of Object.values(env)) if (value !== 'production') expect(message).not.toContain(value);
    },
  );

  it('accepts production with a session secret', () => {
    expect(loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40) }).commandCenter.sessionSecret).toBe(
      'x'.repeat(40),
    );
  });
});
