import type { Preferences } from '@ecogrid/contracts';

export type ThemePreference = Preferences['theme'];
export type ResolvedTheme = 'light' | 'dark';

/** The theme to show: the user's choice, or the system's when the choice is "system". */
export function resolveTheme(
  preference: ThemePreference | undefined,
  systemPrefersDark: boolean,
): ResolvedTheme {
  if (preference === 'light' || preference === 'dark') return preference;
  return systemPrefersDark ? 'dark' : 'light';
}

/** Before sign-in (and between reloads) the last choice is remembered in the browser. */
const STORAGE_KEY = 'ecogrid.theme';

export function rememberedTheme(): ThemePreference {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === 'light' || value === 'dark' ? value : 'system';
  } catch {
    return 'system';
  }
}

export function rememberTheme(preference: ThemePreference): void {
  try {
    localStorage.setItem(STORAGE_KEY, preference);
  } catch {
    // Private mode: the choice lasts until the reload.
  }
}

const DARK_QUERY = '(prefers-color-scheme: dark)';

function systemPrefersDark(): boolean {
  return typeof window.matchMedia === 'function' && window.matchMedia(DARK_QUERY).matches;
}

/**
 * Puts the `dark` class on <html> for the preference, and keeps following the system while the
 * preference is "system". Returns a function that stops following.
 */
export function applyTheme(
  preference: ThemePreference,
  root: HTMLElement = document.documentElement,
): () => void {
  const apply = () => {
    const theme = resolveTheme(preference, systemPrefersDark());
    root.classList.toggle('dark', theme === 'dark');
    root.style.colorScheme = theme;
  };
  apply();
  if (preference !== 'system' || typeof window.matchMedia !== 'function') return () => undefined;
  const media = window.matchMedia(DARK_QUERY);
  media.addEventListener('change', apply);
  return () => media.removeEventListener('change', apply);
}
