// Passwords: Argon2id at OWASP's parameters, a length rule and a common-password list, no
// composition rules (NIST SP 800-63B, OWASP ASVS 2.1).
import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import { dictionary } from '@zxcvbn-ts/language-common';

/** OWASP Password Storage Cheat Sheet: Argon2id, 19 MiB, 2 iterations, 1 lane. */
export const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const MIN_LENGTH = 12;
export const MAX_LENGTH = 128;

const COMMON = new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));
/** Words of this service that make a guessable password here. */
const CONTEXT = ['langthongminh', 'lang thong minh', 'smartvillage', 'smart village', 'village', 'password', 'matkhau'];

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** A hash to verify against when the login is unknown, so both paths cost the same. */
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  return (dummy ??= hashPassword(randomBytes(16).toString('hex')));
}

export type PasswordProblem = 'too-short' | 'too-long' | 'common' | 'contains-login';

/** Why a new password is refused, or undefined when it is fine. */
export function passwordProblem(password: string, context: { login?: string; name?: string } = {}): PasswordProblem | undefined {
  if ([...password].length < MIN_LENGTH) return 'too-short';
  if ([...password].length > MAX_LENGTH) return 'too-long';
  const p = password.toLowerCase();
  // The list itself, and list words padded with digits or symbols ("password1234!").
  const core = p.replace(/[^a-z\p{L}]+$/u, '').replace(/^[^a-z\p{L}]+/u, '');
  if (COMMON.has(p) || (core.length >= 4 && COMMON.has(core))) return 'common';
  if (new Set(p).size <= 2) return 'common';
  if (CONTEXT.some((w) => core === w || core.replace(/\s/g, '') === w.replace(/\s/g, ''))) return 'common';
  const login = context.login?.toLowerCase();
  if (login && login.length >= 3 && p.includes(login)) return 'contains-login';
  return undefined;
}

export const PASSWORD_PROBLEM_TEXT: Record<PasswordProblem, string> = {
  'too-short': `at least ${MIN_LENGTH} characters`,
  'too-long': `at most ${MAX_LENGTH} characters`,
  common: 'too common: choose a longer phrase of your own',
  'contains-login': 'must not contain the login',
};

/** A generated password: 16 characters from an alphabet without look-alikes (about 90 bits). */
export function generatePassword(length = 16): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789';
  const out: string[] = [];
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      // Rejection sampling keeps every character equally likely.
      if (b < 256 - (256 % alphabet.length) && out.length < length) out.push(alphabet[b % alphabet.length]!);
    }
  }
  return out.join('');
}
