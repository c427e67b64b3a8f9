// The current language and the typed `t`. The choice is kept in localStorage, shared by every page.
// Components that call `t` re-render when the language changes: `lang` is a signal.
import { signal } from '@preact/signals';
import { keyLabels, strings, valueLabels, type Key, type Pair } from './strings.js';

export type { Key };
export type Lang = 'vi' | 'en';
const STORAGE_KEY = 'village.lang';

function storedLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'vi';
  } catch {
    return 'vi'; // storage blocked: Vietnamese
  }
}

export const lang = signal<Lang>(storedLang());

export function setLang(l: Lang): void {
  lang.value = l;
  try {
    localStorage.setItem(STORAGE_KEY, l);
  } catch {
    // not kept; still switched for this page
  }
  document.documentElement.lang = l;
}

/** The locale for Intl formatting. */
export const locale = (): string => (lang.value === 'en' ? 'en-GB' : 'vi-VN');

/** A { vi, en } label (from the API or here) in the current language. */
export function pick(label: Partial<Pair> | string | undefined | null, fallback = ''): string {
  if (typeof label === 'string') return label;
  return label?.[lang.value] ?? label?.vi ?? label?.en ?? fallback;
}

export type Vars = Record<string, string | number>;

/** A string with {name} placeholders filled. */
export function t(key: Key, vars?: Vars): string {
  const s = pick(strings[key]);
  return vars ? s.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m)) : s;
}

/** Narrows a key built at run time (from a server code, say) to one the dictionary has. */
export function isKey(key: string): key is Key {
  return Object.hasOwn(strings, key);
}

/** The words for an API refusal's `code` (forbidden, csrf, rate-limited …), or '' when there are none. */
export function codeText(code: string | undefined): string {
  const k = `err.${code}`;
  return code && isKey(k) ? t(k) : '';
}

export function keyLabel(key: string): string {
  return keyLabels[key] ? pick(keyLabels[key]) : key;
}

/** The word for a boolean or enum value of a key, or undefined when there is none. */
export function valueLabel(key: string, value: unknown): string | undefined {
  const l = valueLabels[key]?.[String(value)];
  return l ? pick(l) : undefined;
}
