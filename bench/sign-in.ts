// What a sign-in costs: the Argon2id verify alone, and POST /api/auth/sign-in end to end over
// HTTP (verify, new session id, session row in SQLite, CSRF token).
import { performance } from 'node:perf_hooks';
import { generatePassword, hashPassword, verifyPassword } from '../controller/auth/passwords.js';
import { signIn } from '../tests/helpers/api.js';
import { startTestVillage } from '../tests/helpers/village.js';
import { median } from './stats.js';


export async function signInCost(): Promise<void> {
  const password = generatePassword();
  const hash = await hashPassword(password);
  const verify: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    await verifyPassword(hash, password);
    verify.push(performance.now() - t0);
  }
  const t = await startTestVillage();
  try {
    const u = await t.as('bench-user', 'viewer');
    const times: number[] = [];
    for (let i = 0; i < 21; i++) {
      const t0 = performance.now();
      await signIn(t.village.url, u.login, u.password);
      if (i > 0) times.push(performance.now() - t0);
    }
    console.log(`sign-in: Argon2id verify (19 MiB, t=2, p=1) median ${median(verify).toFixed(1)} ms (20 runs)`);
    console.log(`  POST /api/auth/sign-in over HTTP, median ${median(times).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms (20 runs after 1 warm-up)`);
  } finally {
    await t.stop();
  }
}
