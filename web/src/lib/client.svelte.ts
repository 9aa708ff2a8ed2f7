import { untrack } from 'svelte';
import { ProtocolError, type Reply, type ServerMessage } from './protocol';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'signed-out';

type Pending = { resolve: (m: ServerMessage) => void; reject: (e: Error) => void };

/**
 * One WebSocket to the daemon, reopened by itself when it drops (backoff up to 5 s). Requests carry an id and
 * resolve with the reply that echoes it; everything the daemon sends also goes to the subscribers (job:log,
 * job:update…). Whoever must redo something after a reconnect (rejoin a job from its last seq, watch jobs again)
 * registers with onOpen.
 */
export class VmoClient {
  state = $state<ConnectionState>('connecting');
  /** Why the last connection attempt failed, for the status line. */
  detail = $state('');
  /** Who this page is signed in as, and the role: what it may do (from /api/session; empty until known). */
  user = $state('');
  role = $state('');

  private ws: WebSocket | null = null;
  private nextId = 0;
  private attempts = 0;
  private stopped = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /* eslint-disable svelte/prefer-svelte-reactivity -- bookkeeping of requests and callbacks; nothing renders it */
  private readonly pending = new Map<string, Pending>();
  private readonly listeners = new Set<(m: ServerMessage) => void>();
  private readonly openHandlers = new Set<() => void>();
  /* eslint-enable svelte/prefer-svelte-reactivity */

  constructor(
    readonly httpBase: string,
    readonly wsUrl: string,
    private readonly sameOrigin: boolean,
    private readonly deps: { WebSocket: typeof WebSocket; fetch: typeof fetch } = {
      WebSocket: globalThis.WebSocket,
      fetch: (...args) => globalThis.fetch(...args),
    },
  ) {}

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.ws?.close();
  }

  /** Retry now (the status line's button), instead of waiting out the backoff. */
  retryNow(): void {
    clearTimeout(this.timer);
    if (this.state !== 'connected') void this.connect();
  }

  private async connect(): Promise<void> {
    this.state = this.attempts === 0 ? 'connecting' : 'reconnecting';
    if (this.sameOrigin) {
      // A refused WebSocket upgrade looks the same to a page whatever the reason; this tells "not signed in"
      // apart from "daemon down".
      try {
        const response = await this.deps.fetch(`${this.httpBase}/api/session`, { credentials: 'same-origin' });
        if (response.status === 401) {
          this.state = 'signed-out';
          this.detail = 'not signed in';
          return;
        }
        const session = (await response.json().catch(() => ({}))) as { user?: string; role?: string };
        this.user = session.user ?? '';
        this.role = session.role ?? '';
      } catch {
        this.detail = 'the daemon does not answer';
        this.scheduleRetry();
        return;
      }
    }
    let ws: WebSocket;
    try {
      ws = new this.deps.WebSocket(this.wsUrl);
    } catch (e) {
      this.detail = String(e);
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.attempts = 0;
      this.state = 'connected';
      this.detail = '';
      this.openHandlers.forEach((h) => h());
    };
    ws.onmessage = (event) => {
      let message: ServerMessage;
      try {
        message = JSON.parse(String(event.data));
      } catch {
        return;
      }
      this.dispatch(message);
    };
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      this.ws = null;
      const reason = event.reason || (event.code === 1006 ? 'connection lost or refused' : `closed (${event.code})`);
      this.detail = reason;
      for (const [id, p] of this.pending) {
        p.reject(new ProtocolError('disconnected', `the connection to the daemon closed: ${reason}`));
        this.pending.delete(id);
      }
      this.scheduleRetry();
    };
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    this.state = 'reconnecting';
    const delay = Math.min(250 * 2 ** this.attempts, 5000);
    this.attempts++;
    this.timer = setTimeout(() => void this.connect(), delay);
  }

  private dispatch(message: ServerMessage): void {
    const id = 'id' in message ? message.id : undefined;
    if (id != null && this.pending.has(id)) {
      const p = this.pending.get(id)!;
      this.pending.delete(id);
      if (message.type === 'error') p.reject(new ProtocolError(message.code, message.message));
      else p.resolve(message);
    }
    this.listeners.forEach((l) => l(message));
  }

  get connected(): boolean {
    return this.state === 'connected';
  }

  /** Sends a request and resolves with its reply (the message echoing its id); rejects on an error reply. */
  request<T extends ServerMessage['type']>(message: Record<string, unknown> & { type: string }): Promise<Reply<T>> {
    const id = `w${++this.nextId}`;
    return new Promise((resolve, reject) => {
      if (!this.ws || this.ws.readyState !== 1) {
        reject(new ProtocolError('disconnected', 'not connected to the daemon'));
        return;
      }
      this.pending.set(id, { resolve: resolve as (m: ServerMessage) => void, reject });
      this.ws.send(JSON.stringify({ v: 1, ...message, id }));
    });
  }

  /** Fire and forget (stdin, resize): no reply on success. */
  send(message: Record<string, unknown> & { type: string }): boolean {
    if (!this.ws || this.ws.readyState !== 1) return false;
    this.ws.send(JSON.stringify({ v: 1, ...message }));
    return true;
  }

  subscribe(listener: (m: ServerMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Runs now if connected, and again after every reconnect. Reads the state untracked: an effect that registers
   * here must not re-run (and start over, e.g. a job's feed from seq 0) whenever the connection state changes.
   */
  onOpen(handler: () => void): () => void {
    this.openHandlers.add(handler);
    if (untrack(() => this.state) === 'connected') handler();
    return () => this.openHandlers.delete(handler);
  }
}
