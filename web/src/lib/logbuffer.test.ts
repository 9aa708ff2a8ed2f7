import { describe, expect, it } from 'vitest';
import { LogBuffer } from './logbuffer';

const ev = (seq: number, stream: 'stdout' | 'stderr' | 'system' | 'input', chunk: string) => ({
  seq,
  stream,
  chunk,
  ts: `2026-01-01T00:00:0${seq % 10}Z`,
});

describe('LogBuffer', () => {
  it('splits chunks into lines and keeps each line’s stream', () => {
    const b = new LogBuffer();
    expect(b.append(ev(1, 'stdout', 'one\ntwo\n'))).toBe(2);
    b.append(ev(2, 'stderr', 'oops\n'));
    expect(b.lines.map((l) => [l.stream, l.text])).toEqual([
      ['stdout', 'one'],
      ['stdout', 'two'],
      ['stderr', 'oops'],
    ]);
  });

  it('continues a stream’s unfinished line even with another stream’s lines in between', () => {
    const b = new LogBuffer();
    b.append(ev(1, 'stdout', 'progress: 1'));
    b.append(ev(2, 'stderr', 'warning\n'));
    expect(b.append(ev(3, 'stdout', '0%\nnext'))).toBe(1);
    b.append(ev(4, 'stdout', ' line\n'));
    expect(b.lines.map((l) => l.text)).toEqual(['progress: 10%', 'warning', 'next line']);
    expect(b.lines[0].seq).toBe(1);
  });

  it('keeps the raw output exactly, escape codes included, and ignores input markers', () => {
    const b = new LogBuffer();
    b.append(ev(1, 'stdout', '\x1b[31mred\x1b[0m\n'));
    expect(b.append(ev(2, 'input', ''))).toBe(0);
    b.append(ev(3, 'stdout', 'tail'));
    expect(b.raw()).toBe('\x1b[31mred\x1b[0m\ntail');
    expect(b.lastSeq).toBe(3);
  });

  it('searches visible text case-insensitively, not escape codes', () => {
    const b = new LogBuffer();
    b.append(ev(1, 'stdout', 'Alpha\nbeta\n\x1b[31mALPHA\x1b[0m\nx[31m\n'));
    expect(b.search('alpha')).toEqual([0, 2]);
    expect(b.search('31m')).toEqual([3]);
    expect(b.search('')).toEqual([]);
  });

  it('holds a million lines', () => {
    const b = new LogBuffer();
    const chunk = Array.from({ length: 1000 }, (_, i) => `line ${i}`).join('\n') + '\n';
    for (let i = 1; i <= 1000; i++) b.append(ev(i, 'stdout', chunk));
    expect(b.lines.length).toBe(1_000_000);
    expect(b.lines[999_999].text).toBe('line 999');
  });
});
