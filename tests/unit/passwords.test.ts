// Password rules (length, the common list, the login) and the Argon2id hash.
import argon2 from 'argon2';
import { describe, expect, test } from 'vitest';
import { generatePassword, hashPassword, passwordProblem, verifyPassword } from '../../controller/auth/passwords.js';

describe('passwordProblem', () => {
  test('length counts characters, not bytes', () => {
    expect(passwordProblem('abcdefghijk')).toBe('too-short');
    expect(passwordProblem('mật khẩu dài')).toBeUndefined(); // 12 characters, more bytes
    expect(passwordProblem('x'.repeat(129))).toBe('too-long');
  });
  test('common passwords, padded ones and this service’s name are refused', () => {
    expect(passwordProblem('qwerty123456')).toBe('common');
    expect(passwordProblem('password1234!')).toBe('common');
    expect(passwordProblem('aaaaaaaaaaaaaa')).toBe('common');
    expect(passwordProblem('smartvillage2026')).toBe('common');
  });
  test('no composition rules: a lower-case phrase is fine', () => {
    expect(passwordProblem('trau bo ra dong som')).toBeUndefined();
  });
  test('the login inside the password is refused', () => {
    expect(passwordProblem('nong-dan-a rất vui', { login: 'nong-dan-a' })).toBe('contains-login');
  });
});

test('generated passwords are long, varied and pass the rules', () => {
  const seen = new Set(Array.from({ length: 50 }, () => generatePassword()));
  expect(seen.size).toBe(50);
  for (const p of seen) {
    expect(p).toMatch(/^[a-km-zA-HJ-NP-Z2-9]{16}$/);
    expect(passwordProblem(p)).toBeUndefined();
  }
});

test('hashes are Argon2id at OWASP parameters, salted, and verify only the right password', async () => {
  const h = await hashPassword('một câu thật dài');
  expect(h).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
  expect(await hashPassword('một câu thật dài')).not.toBe(h);
  expect(await verifyPassword(h, 'một câu thật dài')).toBe(true);
  expect(await verifyPassword(h, 'một câu thật dài!')).toBe(false);
  expect(await verifyPassword('not a hash', 'x')).toBe(false);
  expect(argon2.needsRehash(h, { memoryCost: 19_456, timeCost: 2, parallelism: 1 })).toBe(false);
});
