import { stripAnsi } from './ansi';
import type { JobLog, LogStream } from './protocol';

export interface Line {
  stream: LogStream;
  /** The time of the chunk that began the line. */
  ts: string;
  seq: number;
  text: string;
}

/**
 * A job's output as lines, for the viewer. Chunks are split at line ends per stream: a line one stream left
 * unfinished is continued by that stream's next chunk, even with other streams' lines in between. Kept out of
 * Svelte's reactivity (a million proxied lines would be slow): the viewer redraws when the count changes.
 */
export class LogBuffer {
  readonly lines: Line[] = [];
  private readonly chunks: string[] = [];
  private readonly open = new Map<LogStream, number>();
  lastSeq = 0;

  /** Adds an event's lines; returns how many new lines appeared. */
  append(event: Pick<JobLog, 'seq' | 'stream' | 'chunk' | 'ts'>): number {
    this.lastSeq = Math.max(this.lastSeq, event.seq);
    if (event.stream === 'input' || event.chunk === '') return 0; // "someone typed": nothing to show
    this.chunks.push(event.chunk);
    const before = this.lines.length;
    const parts = event.chunk.split('\n');
    const openIndex = this.open.get(event.stream);
    let first = 0;
    if (openIndex !== undefined) {
      this.lines[openIndex].text += parts[0];
      first = 1;
      this.open.delete(event.stream);
      if (parts.length === 1) this.open.set(event.stream, openIndex);
    }
    for (let i = first; i < parts.length; i++) {
      const last = i === parts.length - 1;
      if (last && parts[i] === '') break; // the chunk ended its line
      this.lines.push({ stream: event.stream, ts: event.ts, seq: event.seq, text: parts[i] });
      if (last) this.open.set(event.stream, this.lines.length - 1);
    }
    return this.lines.length - before;
  }

  /** The output exactly as it was received, escape codes and all. */
  raw(): string {
    return this.chunks.join('');
  }

  /** Indices of the lines whose visible text contains the query (case-insensitive). */
  search(query: string): number[] {
    const q = query.toLowerCase();
    if (!q) return [];
    const hits: number[] = [];
    for (let i = 0; i < this.lines.length; i++) {
      if (stripAnsi(this.lines[i].text).toLowerCase().includes(q)) hits.push(i);
    }
    return hits;
  }
}
