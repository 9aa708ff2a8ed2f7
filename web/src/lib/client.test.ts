import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { VmoClient } from './client.svelte';
import { FakeSocket } from './fake-socket';
import { JobFeed } from './jobfeed';
import type { JobLog } from './protocol';

function client(sessionStatus = 200, session = '{}') {
  const fetch = vi.fn(async () => new Response(session, { status: sessionStatus }));
  const c = new VmoClient('http://d', 'ws://d/ws', true, {
    WebSocket: FakeSocket as unknown as typeof WebSocket,
    fetch: fetch as unknown as typeof globalThis.fetch,
  });
  return { c, fetch };
}

async function connected(c: VmoClient): Promise<FakeSocket> {
  c.start();
  await vi.waitFor(() => expect(FakeSocket.all.length).toBeGreaterThan(0));
  const socket = FakeSocket.last();
  socket.open();
  return socket;
}

beforeEach(() => {
  FakeSocket.all = [];
});
afterEach(() => {
  vi.useRealTimers();
});

describe('VmoClient', () => {
  it('knows whom the page is signed in as, and the role', async () => {
    const { c } = client(200, '{"authenticated":true,"user":"vera","role":"viewer"}');
    await connected(c);
    expect(c.user).toBe('vera');
    expect(c.role).toBe('viewer');
  });

  it('matches replies to requests by id and rejects error replies with their code', async () => {
    const { c } = client();
    const socket = await connected(c);
    expect(c.state).toBe('connected');
    const jobs = c.request<'job:list'>({ type: 'list-jobs', limit: 5 });
    const sent = socket.lastSent();
    expect(sent).toMatchObject({ v: 1, type: 'list-jobs', limit: 5 });
    socket.receive({ type: 'job:list', id: sent.id, jobs: [] });
    await expect(jobs).resolves.toMatchObject({ type: 'job:list', jobs: [] });

    const bad = c.request({ type: 'join-job', jobId: 'nope' });
    socket.receive({ type: 'error', id: socket.lastSent().id, code: 'unknown-job', message: 'no job nope' });
    await expect(bad).rejects.toMatchObject({ code: 'unknown-job', message: 'no job nope' });
  });

  it('says "signed out" when the daemon refuses the session, without opening a socket', async () => {
    const { c } = client(401);
    c.start();
    await vi.waitFor(() => expect(c.state).toBe('signed-out'));
    expect(FakeSocket.all).toHaveLength(0);
  });

  it('reconnects by itself and runs the onOpen handlers again', async () => {
    const { c } = client();
    const opens = vi.fn();
    c.onOpen(opens);
    const first = await connected(c);
    expect(opens).toHaveBeenCalledTimes(1);
    const pending = c.request({ type: 'list-jobs' });
    first.drop();
    await expect(pending).rejects.toMatchObject({ code: 'disconnected' });
    expect(c.state).toBe('reconnecting');
    await vi.waitFor(() => expect(FakeSocket.all.length).toBe(2), { timeout: 2000 });
    FakeSocket.last().open();
    expect(c.state).toBe('connected');
    expect(opens).toHaveBeenCalledTimes(2);
  });
});

describe('JobFeed', () => {
  const log = (seq: number): Record<string, unknown> & JobLog => ({
    type: 'job:log',
    jobId: 'j1',
    seq,
    stream: 'stdout',
    chunk: `${seq}\n`,
    ts: '2026-01-01T00:00:00Z',
  });

  it('rejoins after a reconnect from the last seq and drops what it already has: no gap, no duplicate', async () => {
    const { c } = client();
    const seen: number[] = [];
    const done = vi.fn();
    const feed = new JobFeed(c, 'j1', { joined: () => {}, log: (e) => seen.push(e.seq), done, error: () => {} });
    feed.start();
    const first = await connected(c);
    expect(first.lastSent()).toMatchObject({ type: 'join-job', jobId: 'j1', sinceSeq: 0 });
    first.receive(log(1));
    first.receive(log(2));
    first.receive({ ...log(1), jobId: 'other' });
    first.drop();

    await vi.waitFor(() => expect(FakeSocket.all.length).toBe(2), { timeout: 2000 });
    const second = FakeSocket.last();
    second.open();
    expect(second.lastSent()).toMatchObject({ type: 'join-job', jobId: 'j1', sinceSeq: 2 });
    second.receive(log(2)); // a replay that overlaps
    second.receive(log(3));
    second.receive({ type: 'job:done', jobId: 'j1', status: 'success', exitCode: 0 });
    expect(seen).toEqual([1, 2, 3]);
    expect(done).toHaveBeenCalledOnce();
    feed.stop();
    expect(second.lastSent()).toMatchObject({ type: 'join-job' }); // an ended job is not left
  });

  it('attaches terminals with their size (the PTY contract) and leaves when stopped', async () => {
    const { c } = client();
    const feed = new JobFeed(c, 'j1', { joined: () => {}, log: () => {}, done: () => {}, error: () => {} }, () => ({
      cols: 100,
      rows: 30,
    }));
    feed.start();
    const socket = await connected(c);
    expect(socket.lastSent()).toMatchObject({ type: 'attach-job', jobId: 'j1', cols: 100, rows: 30 });
    feed.stop();
    expect(socket.lastSent()).toMatchObject({ type: 'leave-job', jobId: 'j1' });
  });
});
