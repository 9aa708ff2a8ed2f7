import { describe, expect, it } from 'vitest';
import { duration, splitArgs } from './format';

describe('format', () => {
  it('splits make arguments, keeping quoted spaces', () => {
    expect(splitArgs('  ENV=dev  all ')).toEqual(['ENV=dev', 'all']);
    expect(splitArgs('MSG="a b" x')).toEqual(['MSG=a b', 'x']);
    expect(splitArgs('')).toEqual([]);
  });

  it('reads durations the way people say them', () => {
    expect(duration('2026-01-01T00:00:00Z', '2026-01-01T00:00:00.250Z')).toBe('250 ms');
    expect(duration('2026-01-01T00:00:00Z', '2026-01-01T00:01:05Z')).toBe('1 min 5 s');
  });
});
