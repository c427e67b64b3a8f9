// Accounts and their secrets: users with Argon2id passwords, API tokens (shown once, kept as a
// SHA-256 hash), the first-run setup code, the keys that sign sessions and speaker audio URLs, and
// an audit point for every sign-in, failed sign-in and change. The HTTP side is auth-plugin.ts.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { writeFileAtomic } from '../config/atomic.js';
import { DomainError } from '../errors.js';
import type { StoredPoint } from '../storage/storage.js';
import { dummyHash, generatePassword, hashPassword, PASSWORD_PROBLEM_TEXT, passwordProblem, verifyPassword } from './passwords.js';
import type { Action, Actor, PersonRole, Role } from './policy.js';
import { AuthStore, type TokenRecord, type UserRecord } from './store.js';

export const LOGIN_PATTERN = /^[a-z0-9][a-z0-9._-]{1,62}$/;

export class AuthError extends DomainError {}

/** What the audit trail records: every sign-in, refusal and change of an account. */
export type AuthEventKind =
  | 'sign-in'
  | 'sign-in-failed'
  | 'sign-out'
  | 'setup'
  | 'user-created'
  | 'user-changed'
  | 'role-changed'
  | 'user-disabled'
  | 'user-enabled'
  | 'password-reset'
  | 'password-changed'
  | 'token-created'
  | 'token-revoked';

export interface AuthEvent {
  kind: AuthEventKind;
  /** The account the event is about. */
  login: string;
  /** Who did it (the same login for one's own sign-in). */
  by: string;
  ip?: string;
  reason?: string;
  role?: Role;
}

export interface AuthOptions {
  dataDir: string;
  log: Logger;
  site: () => string;
  /** Where audit points go (InfluxDB through Storage, measurement `auth_audit`). */
  writeEvent: (p: StoredPoint) => void;
  /** The setup URL printed with the first-run code. */
  setupUrl: () => string;
  setupTtlMs?: number;
  now?: () => number;
}

export interface PublicUser {
  login: string;
  name: string;
  role: PersonRole;
  zones: string[];
  state: 'active' | 'disabled';
  mustChange: boolean;
  createdAt: string;
  updatedAt: string;
  sessions: number;
}

export interface PublicToken {
  id: string;
  name: string;
  role: Role;
  zones: string[];
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface NewUser {
  login: string;
  name: string;
  role: PersonRole;
  zones?: string[];
  password?: string;
}

export interface UserPatch {
  name?: string;
  role?: PersonRole;
  zones?: string[];
  state?: 'active' | 'disabled';
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const sameHex = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));

export class Auth {
  readonly store: AuthStore;
  private keys?: { session: string; audio: string };
  private setup?: { hash: string; expiresAt: number; used: boolean };
  private readonly tickets = new Map<string, { hash: string; expiresAt: number; actor: Actor }>();
  private pruner?: NodeJS.Timeout;
  /** Called with a login whose sessions all ended (so live streams close too). */
  private readonly signedOut = new Set<(login: string) => void>();

  constructor(private readonly o: AuthOptions) {
    this.store = new AuthStore({ file: join(o.dataDir, 'auth.sqlite') });
  }

  now(): number {
    return this.o.now?.() ?? Date.now();
  }

  async start(): Promise<void> {
    this.store.open();
    this.keys = await this.loadKeys();
    this.store.pruneSessions(this.now());
    // Sessions nobody comes back to would otherwise stay until the next start.
    this.pruner = setInterval(() => this.store.pruneSessions(this.now()), 3600_000);
    this.pruner.unref();
  }

  /** At first run (no active admin), once the API listens: the setup code and its URL. */
  async announceSetup(): Promise<void> {
    if (this.setupRequired()) await this.issueSetupCode();
  }

  async stop(): Promise<void> {
    clearInterval(this.pruner);
    this.store.close();
  }

  get sessionSecret(): string {
    return this.keys!.session;
  }

  onSignedOut(fn: (login: string) => void): () => void {
    this.signedOut.add(fn);
    return () => this.signedOut.delete(fn);
  }

  /** The keys live in one owner-only file, made at first start. */
  private async loadKeys(): Promise<{ session: string; audio: string }> {
    const file = join(this.o.dataDir, 'auth-keys.json');
    try {
      return JSON.parse(await readFile(file, 'utf8')) as { session: string; audio: string };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const keys = { session: randomBytes(32).toString('hex'), audio: randomBytes(32).toString('hex') };
    await writeFileAtomic(file, JSON.stringify(keys) + '\n', 0o600);
    await chmod(file, 0o600);
    return keys;
  }

  // ------------------------------------------------------------ first run

  /** Until an active admin exists the plane only offers setup. */
  setupRequired(): boolean {
    return this.store.activeAdmins() === 0;
  }

  setupCodeFile(): string {
    return join(this.o.dataDir, 'setup-code.txt');
  }

  /** A one-time code, printed once and written owner-only; it works once, within the hour. */
  private async issueSetupCode(): Promise<void> {
    const code = generatePassword(12);
    const ttl = this.o.setupTtlMs ?? 3_600_000;
    this.setup = { hash: sha256(code), expiresAt: this.now() + ttl, used: false };
    const url = this.o.setupUrl();
    await writeFileAtomic(this.setupCodeFile(), `${code}\n${url}\nexpires ${new Date(this.setup.expiresAt).toISOString()}\n`, 0o600);
    await chmod(this.setupCodeFile(), 0o600);
    // Printed on the console once (not into the JSON log, which may be shipped elsewhere).
    process.stdout.write(`\n  First run: no admin yet. Open ${url} and enter the setup code ${code}\n  (works once, for ${Math.round(ttl / 60_000)} min; also in ${this.setupCodeFile()}).\n\n`);
    this.o.log.warn({ url, file: this.setupCodeFile(), expiresAt: new Date(this.setup.expiresAt).toISOString() }, 'setup required: the setup code is printed on the console');
  }

  /** Creates the first admin with the setup code; the code is dead afterwards, whatever happens. */
  async completeSetup(code: string, input: NewUser & { password: string }, ip: string): Promise<PublicUser> {
    const s = this.setup;
    if (!this.setupRequired()) throw new AuthError('setup-done', 'setup is done: sign in instead', 409);
    if (!s || s.used) throw new AuthError('setup-code-used', 'this setup code was used; restart the plane for a new one', 410);
    if (this.now() > s.expiresAt) throw new AuthError('setup-code-expired', 'the setup code expired; restart the plane for a new one', 410);
    if (!sameHex(sha256(code.trim()), s.hash)) {
      this.audit({ kind: 'sign-in-failed', login: input.login, by: input.login, ip, reason: 'wrong setup code' });
      throw new AuthError('setup-code-wrong', 'wrong setup code', 403);
    }
    const user = await this.createUser('setup', { ...input, role: 'admin', zones: [] }, ip);
    s.used = true;
    await rm(this.setupCodeFile(), { force: true });
    this.audit({ kind: 'setup', login: input.login, by: 'setup', ip, role: 'admin' });
    return user;
  }

  // ------------------------------------------------------------ users

  view(u: UserRecord): PublicUser {
    return {
      login: u.login,
      name: u.name,
      role: u.role,
      zones: u.zones,
      state: u.state,
      mustChange: u.mustChange,
      createdAt: iso(u.createdAt)!,
      updatedAt: iso(u.updatedAt)!,
      sessions: this.store.sessionsOf(u.login),
    };
  }

  users(): PublicUser[] {
    return this.store.users().map((u) => this.view(u));
  }

  user(login: string): UserRecord | undefined {
    return this.store.user(login);
  }

  private need(login: string): UserRecord {
    const u = this.store.user(login);
    if (!u) throw new AuthError('not-found', `unknown user ${login}`, 404);
    return u;
  }

  private checkPassword(password: string, login: string): void {
    const p = passwordProblem(password, { login });
    if (p) throw new AuthError(`password-${p}`, `password: ${PASSWORD_PROBLEM_TEXT[p]}`, 400, [{ path: 'body.password', message: PASSWORD_PROBLEM_TEXT[p] }]);
  }

  /**
   * Adds a user. Without a password one is generated, returned this once, and must be changed at
   * the first sign-in.
   */
  async createUser(by: string, input: NewUser, ip?: string): Promise<PublicUser & { temporaryPassword?: string }> {
    const login = input.login.toLowerCase();
    if (!LOGIN_PATTERN.test(login)) throw new AuthError('invalid', 'login: 2 to 63 of a-z 0-9 . _ -', 400, [{ path: 'body.login', message: 'use 2 to 63 of a-z 0-9 . _ -' }]);
    if (this.store.user(login)) throw new AuthError('user-exists', `user ${login} exists`, 409);
    const temporary = input.password === undefined ? generatePassword() : undefined;
    const password = input.password ?? temporary!;
    if (!temporary) this.checkPassword(password, login);
    const now = this.now();
    const u: UserRecord = {
      login,
      name: input.name,
      role: input.role,
      zones: input.role === 'farmer' ? [...new Set(input.zones ?? [])] : [],
      state: 'active',
      passwordHash: await hashPassword(password),
      mustChange: !!temporary,
      createdAt: now,
      updatedAt: now,
    };
    this.store.insertUser(u);
    this.audit({ kind: 'user-created', login, by, role: u.role, ...(ip && { ip }) });
    return { ...this.view(u), ...(temporary && { temporaryPassword: temporary }) };
  }

  async updateUser(by: string, login: string, patch: UserPatch, ip?: string): Promise<PublicUser> {
    const u = this.need(login);
    const demotes = u.role === 'admin' && u.state === 'active' && ((patch.role && patch.role !== 'admin') || patch.state === 'disabled');
    if (demotes && this.store.activeAdmins() <= 1) throw new AuthError('last-admin', 'the last active admin cannot be disabled or given another role', 409);
    const before = { ...u };
    if (patch.name !== undefined) u.name = patch.name;
    if (patch.role !== undefined) u.role = patch.role;
    if (patch.zones !== undefined) u.zones = [...new Set(patch.zones)];
    if (u.role !== 'farmer') u.zones = [];
    if (patch.state !== undefined) u.state = patch.state;
    u.updatedAt = this.now();
    this.store.updateUser(u);
    const ev = { login, by, ...(ip && { ip }) };
    if (before.role !== u.role) this.audit({ ...ev, kind: 'role-changed', role: u.role, reason: `${before.role} → ${u.role}` });
    if (before.state !== u.state) this.audit({ ...ev, kind: u.state === 'disabled' ? 'user-disabled' : 'user-enabled', role: u.role });
    if (before.name !== u.name || JSON.stringify(before.zones) !== JSON.stringify(u.zones)) {
      this.audit({ ...ev, kind: 'user-changed', role: u.role, reason: `zones ${u.zones.join(',') || '-'}` });
    }
    // A role, scope or state change takes effect at once: the user signs in again.
    if (before.state !== u.state) this.endSessions(login, `account ${u.state} by an admin`);
    else if (before.role !== u.role || JSON.stringify(before.zones) !== JSON.stringify(u.zones)) this.endSessions(login, 'role or zones changed by an admin');
    return this.view(u);
  }

  /** An admin's reset: a temporary password shown once; every session of the user ends. */
  async resetPassword(by: string, login: string, ip?: string): Promise<{ temporaryPassword: string }> {
    const u = this.need(login);
    const temporaryPassword = generatePassword();
    u.passwordHash = await hashPassword(temporaryPassword);
    u.mustChange = true;
    u.updatedAt = this.now();
    this.store.updateUser(u);
    this.endSessions(login, 'password reset by an admin');
    this.audit({ kind: 'password-reset', login, by, role: u.role, ...(ip && { ip }) });
    return { temporaryPassword };
  }

  /** One's own change, with the current password; other sessions of the user end. */
  async changePassword(login: string, current: string, next: string, ip: string, keepSession?: string): Promise<void> {
    const u = this.need(login);
    if (!(await verifyPassword(u.passwordHash, current))) {
      this.audit({ kind: 'sign-in-failed', login, by: login, ip, reason: 'wrong current password at password change' });
      throw new AuthError('wrong-password', 'the current password is wrong', 403, [{ path: 'body.current', message: 'wrong password' }]);
    }
    this.checkPassword(next, login);
    if (current === next) throw new AuthError('password-unchanged', 'choose a password other than the current one', 400, [{ path: 'body.password', message: 'same as the current one' }]);
    u.passwordHash = await hashPassword(next);
    u.mustChange = false;
    u.updatedAt = this.now();
    this.store.updateUser(u);
    this.endSessions(login, 'password changed', keepSession);
    this.audit({ kind: 'password-changed', login, by: login, ip, role: u.role });
  }

  /** Checks a sign-in; the same work (one Argon2 verify) whether or not the login exists. */
  async signIn(login: string, password: string, ip: string): Promise<UserRecord> {
    const u = this.store.user(login.toLowerCase());
    const ok = await verifyPassword(u?.passwordHash ?? (await dummyHash()), password);
    const fail = (reason: string): never => {
      this.audit({ kind: 'sign-in-failed', login: login.toLowerCase().slice(0, 64), by: login.toLowerCase().slice(0, 64), ip, reason });
      // One answer for every cause, so a stranger cannot tell which logins exist.
      throw new AuthError('bad-credentials', 'wrong login or password', 401);
    };
    if (!u) return fail('unknown login');
    if (!ok) return fail('wrong password');
    if (u.state !== 'active') return fail('user disabled');
    this.audit({ kind: 'sign-in', login: u.login, by: u.login, ip, role: u.role });
    return u;
  }

  signOut(login: string, ip: string): void {
    this.audit({ kind: 'sign-out', login, by: login, ip });
  }

  /** Ends every session of a user (all devices), except the one named; each learns why at its next request. */
  endSessions(login: string, reason: string, except?: string): void {
    this.store.endSessionsOf(login, reason, except);
    for (const fn of this.signedOut) fn(login);
  }

  actorOf(u: UserRecord): Actor {
    return { id: u.login, name: u.name, role: u.role, zones: u.zones, kind: 'user' };
  }

  // ------------------------------------------------------------ API tokens

  tokenView(t: TokenRecord): PublicToken {
    return {
      id: t.id,
      name: t.name,
      role: t.role,
      zones: t.zones,
      createdBy: t.createdBy,
      createdAt: iso(t.createdAt)!,
      lastUsedAt: iso(t.lastUsedAt),
      revokedAt: iso(t.revokedAt),
    };
  }

  tokens(): PublicToken[] {
    return this.store.tokens().map((t) => this.tokenView(t));
  }

  /** A token for a script, Grafana or a roll-up: `svt_<id>_<secret>`, shown once, kept hashed. */
  createToken(by: string, input: { name: string; role: Role; zones?: string[] }, ip?: string): PublicToken & { token: string } {
    const id = randomBytes(6).toString('hex');
    const secret = randomBytes(24).toString('base64url');
    const t: TokenRecord = {
      id,
      name: input.name,
      role: input.role,
      zones: input.role === 'farmer' ? [...new Set(input.zones ?? [])] : [],
      hash: sha256(secret),
      createdBy: by,
      createdAt: this.now(),
      lastUsedAt: null,
      revokedAt: null,
    };
    this.store.insertToken(t);
    this.audit({ kind: 'token-created', login: `token:${id}`, by, role: t.role, reason: t.name, ...(ip && { ip }) });
    return { ...this.tokenView(t), token: `svt_${id}_${secret}` };
  }

  revokeToken(by: string, id: string, ip?: string): PublicToken {
    const t = this.store.token(id);
    if (!t) throw new AuthError('not-found', `unknown token ${id}`, 404);
    this.store.revokeToken(id, this.now());
    this.audit({ kind: 'token-revoked', login: `token:${id}`, by, role: t.role, reason: t.name, ...(ip && { ip }) });
    return this.tokenView(this.store.token(id)!);
  }

  // ------------------------------------------------------------ internal tickets

  /**
   * A short-lived bearer credential for the plane's own headless browser (the monthly report's
   * PDF): it acts for `actor`, may take only `actions`, lives in memory as a hash and ends at
   * `ttlMs` or when revoked, whichever is first. Never shown to anyone.
   */
  issueTicket(actor: Actor, actions: readonly Action[], ttlMs: number): { ticket: string; revoke: () => void } {
    const id = randomBytes(6).toString('hex');
    const secret = randomBytes(24).toString('base64url');
    this.tickets.set(id, { hash: sha256(secret), expiresAt: this.now() + ttlMs, actor: { ...actor, id: `ticket:${actor.id}`, kind: 'token', only: actions } });
    // Expired tickets go at the next issue; there are only ever a few.
    for (const [k, t] of this.tickets) if (t.expiresAt <= this.now()) this.tickets.delete(k);
    return { ticket: `svr_${id}_${secret}`, revoke: () => this.tickets.delete(id) };
  }

  /** The actor of a bearer token, or why not. */
  tokenActor(bearer: string): Actor | string {
    const r = /^svr_([0-9a-f]{12})_([A-Za-z0-9_-]{32})$/.exec(bearer);
    if (r) {
      const t = this.tickets.get(r[1]!);
      if (!t || !sameHex(sha256(r[2]!), t.hash)) return 'unknown ticket';
      if (t.expiresAt <= this.now()) return 'expired ticket';
      return t.actor;
    }
    const m = /^svt_([0-9a-f]{12})_([A-Za-z0-9_-]{32})$/.exec(bearer);
    if (!m) return 'malformed token';
    const t = this.store.token(m[1]!);
    if (!t || !sameHex(sha256(m[2]!), t.hash)) return 'unknown token';
    if (t.revokedAt !== null) return 'revoked token';
    const now = this.now();
    // Last use to the minute is enough to see which tokens are alive.
    if (t.lastUsedAt === null || now - t.lastUsedAt > 60_000) this.store.touchToken(t.id, now);
    return { id: `token:${t.id}`, name: t.name, role: t.role, zones: t.zones, kind: 'token' };
  }

  // ------------------------------------------------------------ speaker audio URLs

  /** A query string that lets a speaker fetch one audio file until `ttlMs` from now. */
  signAudio(file: string, ttlMs: number): string {
    const exp = Math.floor((this.now() + ttlMs) / 1000);
    return `exp=${exp}&sig=${this.audioSig(file, exp)}`;
  }

  audioSignatureProblem(file: string, exp: unknown, sig: unknown): string | undefined {
    if (typeof exp !== 'string' || typeof sig !== 'string' || !/^\d{1,12}$/.test(exp)) return 'unsigned audio URL';
    const want = this.audioSig(file, Number(exp));
    if (sig.length !== want.length || !timingSafeEqual(Buffer.from(sig), Buffer.from(want))) return 'bad audio URL signature';
    if (Number(exp) * 1000 < this.now()) return 'expired audio URL';
    return undefined;
  }

  private audioSig(file: string, exp: number): string {
    return createHmac('sha256', this.keys!.audio).update(`${file}\n${exp}`).digest('base64url');
  }

  // ------------------------------------------------------------ audit

  audit(e: AuthEvent): void {
    this.o.log.info({ audit: e.kind, login: e.login, by: e.by, ip: e.ip, reason: e.reason }, `auth: ${e.kind}`);
    this.o.writeEvent({
      measurement: 'auth_audit',
      tags: { site: this.o.site(), event: e.kind },
      fields: {
        login: e.login,
        by: e.by,
        ...(e.ip && { ip: e.ip }),
        ...(e.role && { role: e.role }),
        ...(e.reason && { reason: e.reason }),
      },
      time: this.now(),
    });
  }
}
