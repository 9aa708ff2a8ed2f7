import { describe, expect, it } from 'vitest';
import { parseAnsi, segmentStyle, stripAnsi } from './ansi';

describe('ANSI', () => {
  it('turns SGR colours into styled segments and resets them', () => {
    const segs = parseAnsi('plain \x1b[1;31mred bold\x1b[0m after');
    expect(segs.map((s) => s.text)).toEqual(['plain ', 'red bold', ' after']);
    expect(segs[1]).toMatchObject({ bold: true, fg: '#ff6b6b' });
    expect(segs[2].fg).toBeUndefined();
    expect(segmentStyle(segs[1])).toBe('color:#ff6b6b;font-weight:700');
  });

  it('understands 256-colour and true-colour codes', () => {
    expect(parseAnsi('\x1b[38;5;196mx')[0].fg).toBe('rgb(255,0,0)');
    expect(parseAnsi('\x1b[48;2;1;2;3mx')[0].bg).toBe('rgb(1,2,3)');
  });

  it('drops other escape sequences and shows what a terminal shows after a carriage return', () => {
    expect(stripAnsi('\x1b]0;title\x07\x1b[2K10%\r50%\r100%')).toBe('100%');
    expect(stripAnsi('windows line\r')).toBe('windows line');
    expect(parseAnsi('\x1b[?25lhidden cursor').map((s) => s.text)).toEqual(['hidden cursor']);
  });
});
