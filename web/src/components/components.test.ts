import { describe, expect, it } from 'vitest';
import { render } from '@testing-library/svelte';
import StatusBadge from './StatusBadge.svelte';
import StorageLine from './StorageLine.svelte';
import LogViewer from './LogViewer.svelte';
import { LogBuffer } from '../lib/logbuffer';

describe('StatusBadge', () => {
  it('shows an icon and the word, not only a colour', () => {
    const { container } = render(StatusBadge, { status: 'failed', exitCode: 2 });
    const badge = container.querySelector('[data-status=failed]')!;
    expect(badge.textContent).toContain('✕');
    expect(badge.textContent).toContain('failed');
    expect(badge.textContent).toContain('(2)');
  });

  it.each([
    ['success', '✓'],
    ['canceled', '⊘'],
    ['running', '◔'],
    ['lost', '?'],
  ] as const)('%s has its own icon', (status, icon) => {
    const { container } = render(StatusBadge, { status });
    expect(container.textContent).toContain(icon);
    expect(container.textContent).toContain(status);
  });
});

describe('LogViewer', () => {
  it('renders only the lines in view of a million-line log', () => {
    const buffer = new LogBuffer();
    const chunk = Array.from({ length: 1000 }, (_, i) => `line ${i}`).join('\n') + '\n';
    for (let i = 1; i <= 1000; i++) buffer.append({ seq: i, stream: 'stdout', chunk, ts: '2026-01-01T00:00:00Z' });
    const { container } = render(LogViewer, { buffer, version: 1 });
    const log = container.querySelector('[data-testid=log]')!;
    expect(log.getAttribute('data-lines')).toBe('1000000');
    const rows = log.querySelectorAll('[data-stream]');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(200);
  });

  it('tells stderr and vmo’s notes apart by a label as well as by colour, and renders ANSI colours', () => {
    const buffer = new LogBuffer();
    buffer.append({ seq: 1, stream: 'stdout', chunk: '\x1b[32mgreen\x1b[0m\n', ts: '2026-01-01T00:00:00Z' });
    buffer.append({ seq: 2, stream: 'stderr', chunk: 'bad\n', ts: '2026-01-01T00:00:00Z' });
    buffer.append({ seq: 3, stream: 'system', chunk: 'vmo: canceled\n', ts: '2026-01-01T00:00:00Z' });
    const { container } = render(LogViewer, { buffer, version: 1 });
    const rows = [...container.querySelectorAll('[data-stream]')];
    expect(rows.map((r) => r.getAttribute('data-stream'))).toEqual(['stdout', 'stderr', 'system']);
    expect(rows[1].textContent).toMatch(/^err\s*bad/);
    expect(rows[2].textContent).toMatch(/^vmo/);
    const green = rows[0].querySelector('.line-text span') as HTMLElement;
    expect(green.textContent).toBe('green');
    expect(green.style.color).toBe('rgb(95, 211, 141)');
  });
});

describe('StorageLine', () => {
  it('asks the daemon for get-storage and shows its size, oldest job and policy', async () => {
    const asked: unknown[] = [];
    const client = {
      request: (message: Record<string, unknown> & { type: string }) => {
        asked.push(message);
        return Promise.resolve({
          type: 'storage',
          storage: {
            databaseBytes: 52_000_000,
            outputBytes: 40_000_000,
            jobs: 7,
            oldestJobId: 'b831b4cf-0000-4000-8000-000000000000',
            oldestStartedAt: '2026-09-07T09:43:58Z',
            days: 30,
            keepLastPerTarget: 5,
          },
        });
      },
    };
    const { findByText } = render(StorageLine, { client: client as never });
    expect(asked).toEqual([{ type: 'get-storage' }]);
    expect(
      await findByText(/Database 52\.0 MB \(output 40\.0 MB, 7 jobs\) · oldest job started 2026-09-07/),
    ).toBeTruthy();
  });

  it('says why when the daemon cannot answer', async () => {
    const client = { request: () => Promise.reject(new Error('not connected to the daemon')) };
    const { findByText } = render(StorageLine, { client: client as never });
    expect(await findByText('Storage: not connected to the daemon')).toBeTruthy();
  });
});
