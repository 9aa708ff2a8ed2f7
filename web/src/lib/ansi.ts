// ANSI SGR colours of a job's output, turned into styled segments. Other escape sequences (cursor moves, OSC
// titles) are dropped: a log is a list of lines, not a screen. A carriage return shows what a terminal would
// finally show: the text after the last \r (progress bars).

export interface Segment {
  text: string;
  fg?: string;
  bg?: string;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
}

const BASIC = ['#3b4252', '#ff6b6b', '#5fd38d', '#f0c060', '#7aa2f7', '#c792ea', '#7dcfff', '#d8dee9'];
const BRIGHT = ['#6b7489', '#ff9b9b', '#8ff0b0', '#ffe08a', '#a9c1ff', '#e0b3ff', '#b0e8ff', '#ffffff'];

// eslint-disable-next-line no-control-regex
const ESCAPES = /\x1b\[([0-9;:?]*)([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/g;

export function stripAnsi(text: string): string {
  return lastCarriageSegment(text).replace(ESCAPES, '').replace(CONTROL, '');
}

function lastCarriageSegment(text: string): string {
  const t = text.endsWith('\r') ? text.slice(0, -1) : text;
  const cr = t.lastIndexOf('\r');
  return cr >= 0 ? t.slice(cr + 1) : t;
}

function color256(n: number): string | undefined {
  if (n < 8) return BASIC[n];
  if (n < 16) return BRIGHT[n - 8];
  if (n < 232) {
    const i = n - 16;
    const c = (v: number) => (v === 0 ? 0 : 55 + v * 40);
    return `rgb(${c(Math.floor(i / 36))},${c(Math.floor(i / 6) % 6)},${c(i % 6)})`;
  }
  if (n < 256) {
    const g = 8 + (n - 232) * 10;
    return `rgb(${g},${g},${g})`;
  }
  return undefined;
}

type Style = Omit<Segment, 'text'>;

function applySgr(style: Style, params: string): Style {
  const codes = params === '' ? [0] : params.split(/[;:]/).map((p) => Number(p || 0));
  let s: Style = { ...style };
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c === 0) s = {};
    else if (c === 1) s.bold = true;
    else if (c === 2) s.dim = true;
    else if (c === 3) s.italic = true;
    else if (c === 4) s.underline = true;
    else if (c === 22) {
      s.bold = false;
      s.dim = false;
    } else if (c === 23) s.italic = false;
    else if (c === 24) s.underline = false;
    else if (c >= 30 && c <= 37) s.fg = BASIC[c - 30];
    else if (c >= 90 && c <= 97) s.fg = BRIGHT[c - 90];
    else if (c === 39) s.fg = undefined;
    else if (c >= 40 && c <= 47) s.bg = BASIC[c - 40];
    else if (c >= 100 && c <= 107) s.bg = BRIGHT[c - 100];
    else if (c === 49) s.bg = undefined;
    else if ((c === 38 || c === 48) && codes[i + 1] === 5) {
      const v = color256(codes[i + 2]);
      if (c === 38) s.fg = v;
      else s.bg = v;
      i += 2;
    } else if ((c === 38 || c === 48) && codes[i + 1] === 2) {
      const v = `rgb(${codes[i + 2] ?? 0},${codes[i + 3] ?? 0},${codes[i + 4] ?? 0})`;
      if (c === 38) s.fg = v;
      else s.bg = v;
      i += 4;
    }
  }
  return s;
}

/** One line of output as styled segments (empty segments left out). */
export function parseAnsi(line: string): Segment[] {
  const text = lastCarriageSegment(line);
  const segments: Segment[] = [];
  let style: Style = {};
  let last = 0;
  const push = (chunk: string) => {
    const clean = chunk.replace(CONTROL, '');
    if (clean) segments.push({ text: clean, ...style });
  };
  for (const m of text.matchAll(ESCAPES)) {
    push(text.slice(last, m.index));
    if (m[2] === 'm' && m[1] !== undefined) style = applySgr(style, m[1]);
    last = m.index! + m[0].length;
  }
  push(text.slice(last));
  return segments;
}

export function segmentStyle(s: Segment): string {
  const parts: string[] = [];
  if (s.fg) parts.push(`color:${s.fg}`);
  if (s.bg) parts.push(`background:${s.bg}`);
  if (s.bold) parts.push('font-weight:700');
  if (s.dim) parts.push('opacity:.7');
  if (s.italic) parts.push('font-style:italic');
  if (s.underline) parts.push('text-decoration:underline');
  return parts.join(';');
}
