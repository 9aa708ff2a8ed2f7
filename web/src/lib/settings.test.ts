import { describe, expect, it } from 'vitest';
import { backendOverride, endpoints, normaliseBackend, setBackendOverride } from './settings';

describe('backend URL override', () => {
  it('normalises what the user types to scheme://host:port', () => {
    expect(normaliseBackend('127.0.0.1:7778')).toBe('http://127.0.0.1:7778');
    expect(normaliseBackend('ws://localhost:7777/ws')).toBe('http://localhost:7777');
    expect(normaliseBackend('https://vmo.example/')).toBe('https://vmo.example');
    expect(() => normaliseBackend('ftp://x')).toThrow(/not a daemon address/);
  });

  it('is kept in localStorage and cleared with an empty value', () => {
    setBackendOverride(' 127.0.0.1:9000 ');
    expect(backendOverride()).toBe('http://127.0.0.1:9000');
    setBackendOverride('');
    expect(backendOverride()).toBe('');
    expect(localStorage.length).toBe(0);
  });

  it('derives the WebSocket URL from the HTTP one', () => {
    expect(endpoints('', 'http://127.0.0.1:7777')).toEqual({
      http: 'http://127.0.0.1:7777',
      ws: 'ws://127.0.0.1:7777/ws',
    });
    expect(endpoints('https://h', 'http://x').ws).toBe('wss://h/ws');
  });

  it('speaks wss:// to a daemon that served the page over https (vmo daemon --tls)', () => {
    expect(endpoints('', 'https://build-box:7777')).toEqual({
      http: 'https://build-box:7777',
      ws: 'wss://build-box:7777/ws',
    });
  });
});
