import { afterEach, describe, expect, it, vi } from 'vitest';
import { applyTheme, resolveTheme } from './theme';

afterEach(() => vi.unstubAllGlobals());

describe('resolveTheme', () => {
  it('uses an explicit choice whatever the system prefers', () => {
    expect(resolveTheme('dark', false)).toBe('dark');
    expect(resolveTheme('light', true)).toBe('light');
  });

  it('follows the system for "system" and when nothing is chosen', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme(undefined, true)).toBe('dark');
  });
});

describe('applyTheme', () => {
  function fakeMedia(matches: boolean) {
    const listeners = new Set<() => void>();
    const media = {
      matches,
      addEventListener: (_: string, listener: () => void) => listeners.add(listener),
      removeEventListener: (_: string, listener: () => void) => listeners.delete(listener),
    };
    vi.stubGlobal('matchMedia', () => media);
    return {
      change(next: boolean) {
        media.matches = next;
        for (const listener of listeners) listener();
      },
      listeners,
    };
  }

  it('sets the dark class on the root for a dark choice', () => {
    fakeMedia(false);
    const root = document.createElement('html');
    applyTheme('dark', root);
    expect(root.classList.contains('dark')).toBe(true);
    applyTheme('light', root);
    expect(root.classList.contains('dark')).toBe(false);
  });

  it('follows system changes while the choice is "system", until stopped', () => {
    const media = fakeMedia(false);
    const root = document.createElement('html');
    const stop = applyTheme('system', root);
    expect(root.classList.contains('dark')).toBe(false);
    media.change(true);
    expect(root.classList.contains('dark')).toBe(true);
    stop();
    expect(media.listeners.size).toBe(0);
  });
});
