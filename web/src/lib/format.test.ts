import { describe, expect, it } from 'vitest';
import { bytes, duration, splitArgs, storageSummary } from './format';

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

  it('sums up what the store holds and keeps', () => {
    const info = {
      databaseBytes: 1_234_000_000,
      outputBytes: 1_100_000_000,
      jobs: 42,
      oldestJobId: '3f2a9c1e-8d1b-4c55-9a0e-2b7c1d0e4f11',
      oldestStartedAt: '2026-11-06T10:00:00Z',
      days: 30,
      keepLastPerTarget: 5,
    };
    expect(bytes(999)).toBe('999 B');
    expect(bytes(40_000)).toBe('40.0 kB');
    expect(storageSummary(info)).toBe(
      'Database 1.23 GB (output 1.10 GB, 42 jobs) · oldest job started 2026-11-06 · keeps 30 days and the last 5 runs of each target',
    );
    expect(storageSummary({ ...info, problem: 'config.yml: retention.days must be 1 or more' })).toContain(
      'nothing is pruned: config.yml: retention.days must be 1 or more',
    );
    expect(storageSummary({ ...info, jobs: 0, oldestStartedAt: null })).toContain('· no jobs ·');
  });
});
