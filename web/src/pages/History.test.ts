import { describe, expect, it } from 'vitest';
import { fireEvent, render } from '@testing-library/svelte';
import History from './History.svelte';
import { JobsState } from '../lib/jobs.svelte';
import type { VmoClient } from '../lib/client.svelte';
import type { JobInfo } from '../lib/protocol';

function job(id: string, provenance: JobInfo['provenance']): JobInfo {
  return {
    id: `${id}0000000-0000-4000-8000-000000000000`,
    kind: 'make',
    project: 'vm',
    target: 'status',
    args: [],
    command: ['make', 'status'],
    status: 'success',
    exitCode: 0,
    startedAt: '2026-12-06T10:00:00Z',
    finishedAt: '2026-12-06T10:00:01Z',
    lastSeq: 1,
    provenance,
  };
}

describe('History', () => {
  it('shows who ran each job and through which client, and filters by user', async () => {
    const jobs = new JobsState({} as VmoClient);
    jobs.jobs = [
      job('a', {
        user: 'alice',
        client: 'cli',
        clientVersion: '0.1.0',
        peer: '127.0.0.1',
        osUser: 'al',
        osHost: 'lap',
      }),
      job('b', { user: 'bob', client: 'web', clientVersion: '0.1.0', peer: '10.0.0.2' }),
      job('c', null), // from before users: the owner's
    ];
    jobs.loaded = true;
    const { container, getByTestId } = render(History, { jobs });
    const by = () => [...container.querySelectorAll('[data-testid=job-by]')].map((c) => c.textContent?.trim());
    expect(by()).toEqual(['alicecli 0.1.0 · al@lap · 127.0.0.1', 'bobweb 0.1.0 · 10.0.0.2', 'owner']);

    const filter = getByTestId('filter-user') as HTMLSelectElement;
    expect([...filter.options].map((o) => o.value)).toEqual(['', 'alice', 'bob', 'owner']);
    await fireEvent.change(filter, { target: { value: 'bob' } });
    expect(by()).toEqual(['bobweb 0.1.0 · 10.0.0.2']);
    expect(container.textContent).toContain('1 of 3 jobs');
  });
});
