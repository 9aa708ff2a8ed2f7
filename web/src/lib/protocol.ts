// The daemon's WebSocket protocol (docs/protocol.md), as the browser sees it.

export type JobStatus = 'running' | 'success' | 'failed' | 'canceled' | 'lost';
export type LogStream = 'stdout' | 'stderr' | 'system' | 'pty' | 'input';

export interface JobInfo {
  id: string;
  kind: string;
  project?: string | null;
  target?: string | null;
  args: string[];
  vm?: string | null;
  command: string[];
  status: JobStatus;
  exitCode?: number | null;
  startedAt: string;
  finishedAt?: string | null;
  lastSeq: number;
  /** PTY jobs (contract of the terminal branch); absent from daemons without them. */
  interactive?: boolean;
  /** Who asked for the job and from where; absent from daemons without users. */
  provenance?: Provenance | null;
}

/** `user` and `peer` are the daemon's own knowledge; the rest is what the client said of itself. */
export interface Provenance {
  user: string;
  client?: 'cli' | 'web' | 'rest' | null;
  clientVersion?: string | null;
  peer?: string | null;
  osUser?: string | null;
  osHost?: string | null;
}

export interface ProjectInfo {
  alias: string;
  dir: string;
  problem?: string | null;
}
export interface TargetInfo {
  name: string;
  description?: string | null;
  interactive?: boolean;
}
export interface VmInfo {
  name: string;
  environment?: string | null;
  host?: string | null;
  user?: string | null;
  sshHost?: string | null;
  source: string;
  presets?: Record<string, string[]> | null;
  problem?: string | null;
}

/** What the store holds and keeps (`get-storage`, docs/protocol.md). */
export interface StorageInfo {
  databaseBytes: number;
  outputBytes: number;
  jobs: number;
  oldestJobId?: string | null;
  oldestStartedAt?: string | null;
  days: number;
  keepLastPerTarget: number;
  problem?: string | null;
  lastPrunedAt?: string | null;
  lastPrunedJobs?: number | null;
  lastPrunedBytes?: number | null;
}

export interface JobLog {
  type: 'job:log';
  jobId: string;
  seq: number;
  stream: LogStream;
  chunk: string;
  ts: string;
}
export interface JobDone {
  type: 'job:done';
  id?: string;
  jobId: string;
  status: JobStatus;
  exitCode?: number | null;
  finishedAt?: string;
}

export type ServerMessage =
  | { type: 'job:started'; id?: string; job: JobInfo }
  | { type: 'job:joined'; id?: string; job: JobInfo }
  | JobLog
  | JobDone
  | { type: 'job:update'; job: JobInfo }
  | { type: 'job:list'; id?: string; jobs: JobInfo[] }
  | { type: 'project:list'; id?: string; projects: ProjectInfo[] }
  | { type: 'target:list'; id?: string; project: string; targets: TargetInfo[]; problem?: string | null }
  | { type: 'vm:list'; id?: string; vms: VmInfo[] }
  | { type: 'ack'; id?: string }
  | { type: 'storage'; id?: string; storage: StorageInfo }
  | { type: 'error'; id?: string | null; code: string; message: string };

/** A reply of the given type, found by the request's id. */
export type Reply<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

export class ProtocolError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function jobTitle(job: JobInfo): string {
  if (job.kind === 'ssh' || job.vm) return `${job.vm}: ${job.command.join(' ')}`;
  return [job.project, job.target, ...(job.args ?? [])].filter(Boolean).join(' ');
}

/** The user who asked for a job: `owner` is the token file's holder (and every job from before users). */
export function jobBy(job: JobInfo): string {
  return job.provenance?.user ?? 'owner';
}

/** Through which client and from where: `cli 0.1.0 · alice@laptop · 127.0.0.1`. */
export function jobVia(job: JobInfo): string {
  const p = job.provenance;
  if (!p?.client) return '';
  return [
    p.clientVersion ? `${p.client} ${p.clientVersion}` : p.client,
    p.osUser ? `${p.osUser}@${p.osHost ?? '?'}` : '',
    p.peer ?? '',
  ]
    .filter(Boolean)
    .join(' · ');
}
