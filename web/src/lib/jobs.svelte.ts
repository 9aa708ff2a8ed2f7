import type { VmoClient } from './client.svelte';
import type { JobInfo } from './protocol';

/** How often the job list is read again in full, on top of the live job:update events. */
export const POLL_MS = 30_000;

/**
 * Recent jobs, kept current: watch-jobs makes the daemon push every start and end (job:update), and a full
 * list-jobs runs at each (re)connect, every 30 s and on demand, to cover anything a dropped connection missed.
 */
export class JobsState {
  jobs = $state<JobInfo[]>([]);
  loaded = $state(false);
  error = $state('');
  refreshedAt = $state<Date | null>(null);
  private stops: Array<() => void> = [];

  constructor(
    private readonly client: VmoClient,
    private readonly limit = 200,
  ) {}

  start(): void {
    this.stops.push(
      this.client.subscribe((m) => {
        if (m.type === 'job:update') this.upsert(m.job);
      }),
      this.client.onOpen(() => {
        this.client.request<'ack'>({ type: 'watch-jobs' }).catch(() => {});
        void this.refresh();
      }),
    );
    const timer = setInterval(() => void this.refresh(), POLL_MS);
    this.stops.push(() => clearInterval(timer));
  }

  stop(): void {
    this.stops.forEach((s) => s());
  }

  async refresh(): Promise<void> {
    try {
      const reply = await this.client.request<'job:list'>({ type: 'list-jobs', limit: this.limit });
      this.jobs = reply.jobs;
      this.loaded = true;
      this.error = '';
      // eslint-disable-next-line svelte/prefer-svelte-reactivity -- replaced on each refresh, never mutated
      this.refreshedAt = new Date();
    } catch (e) {
      this.error = (e as Error).message;
    }
  }

  upsert(job: JobInfo): void {
    const i = this.jobs.findIndex((j) => j.id === job.id);
    if (i >= 0) this.jobs[i] = job;
    else this.jobs = [job, ...this.jobs].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  /** Whether a job of this project target is running now (its button is disabled meanwhile). */
  running(project: string, target: string): JobInfo | undefined {
    return this.jobs.find((j) => j.status === 'running' && j.project === project && j.target === target);
  }
}
