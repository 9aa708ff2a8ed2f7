import type { StorageInfo } from './protocol';

export function time(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return d.toLocaleTimeString(undefined, { hour12: false }) + '.' + String(d.getMilliseconds()).padStart(3, '0');
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return `${d.toLocaleDateString()} ${d.toLocaleTimeString(undefined, { hour12: false })}`;
}

/** 1.2 GB, 340 MB, 12 kB (powers of 1000, as `vmo prune` prints them). */
export function bytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${n} B`;
}

/** The settings dialog's line about the store: its size, the oldest job kept, the retention policy, the last prune. */
export function storageSummary(s: StorageInfo): string {
  const parts = [`Database ${bytes(s.databaseBytes)} (output ${bytes(s.outputBytes)}, ${s.jobs} jobs)`];
  parts.push(s.oldestStartedAt ? `oldest job started ${s.oldestStartedAt.slice(0, 10)}` : 'no jobs');
  if (s.problem) {
    parts.push(`nothing is pruned: ${s.problem}`);
  } else {
    parts.push(`keeps ${s.days} days and the last ${s.keepLastPerTarget} runs of each target`);
  }
  if (s.lastPrunedAt) {
    parts.push(
      `last pruned ${dateTime(s.lastPrunedAt)}: ${s.lastPrunedJobs ?? 0} jobs, ${bytes(s.lastPrunedBytes ?? 0)}`,
    );
  }
  return parts.join(' · ');
}

export function duration(startIso: string, endIso?: string | null, now = Date.now()): string {
  const ms = (endIso ? Date.parse(endIso) : now) - Date.parse(startIso);
  if (!(ms >= 0)) return '';
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** "ENV=dev  verbose" → ["ENV=dev", "verbose"]; double quotes keep spaces: NAME="a b". */
export function splitArgs(input: string): string[] {
  const args: string[] = [];
  const re = /(?:[^\s"]+|"[^"]*")+/g;
  for (const m of input.matchAll(re)) args.push(m[0].replace(/"/g, ''));
  return args;
}
