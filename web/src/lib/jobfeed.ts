import type { VmoClient } from './client.svelte';
import type { JobDone, JobInfo, JobLog } from './protocol';

export interface FeedHandlers {
  joined(job: JobInfo): void;
  log(event: JobLog): void;
  done(done: JobDone): void;
  error(message: string): void;
}

/**
 * Follows one job: join-job from the last seq received, and again after every reconnect, so the output has no
 * gap and no duplicate (a seq already seen is dropped). {@code mode} "attach" is the PTY attach (contract:
 * attach-job replays a recent tail, then live), used by terminals.
 */
export class JobFeed {
  lastSeq = 0;
  finished = false;
  private unsubscribe: Array<() => void> = [];

  constructor(
    private readonly client: VmoClient,
    readonly jobId: string,
    private readonly handlers: FeedHandlers,
    private readonly attach?: () => { cols: number; rows: number },
  ) {}

  start(): void {
    this.unsubscribe.push(
      this.client.subscribe((m) => {
        if (m.type === 'job:log' && m.jobId === this.jobId) {
          if (m.seq <= this.lastSeq) return; // already shown (a replay overlapping what arrived live)
          this.lastSeq = m.seq;
          this.handlers.log(m);
        } else if (m.type === 'job:done' && m.jobId === this.jobId && !this.finished) {
          this.finished = true;
          this.handlers.done(m);
        }
      }),
      this.client.onOpen(() => void this.join()),
    );
  }

  private async join(): Promise<void> {
    if (this.finished) return;
    try {
      const reply =
        this.attach && this.lastSeq === 0
          ? await this.client.request<'job:joined'>({ type: 'attach-job', jobId: this.jobId, ...this.attach() })
          : await this.client.request<'job:joined'>({ type: 'join-job', jobId: this.jobId, sinceSeq: this.lastSeq });
      this.handlers.joined(reply.job);
    } catch (e) {
      this.handlers.error((e as Error).message);
    }
  }

  stop(): void {
    this.unsubscribe.forEach((u) => u());
    this.unsubscribe = [];
    if (!this.finished) this.client.send({ type: 'leave-job', jobId: this.jobId });
  }
}
