// Users, API tokens and server-side sessions in one SQLite file under DATA_DIR (better-sqlite3),
// so a restart signs nobody out. Passwords and tokens are stored only as hashes.
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { PersonRole, Role } from './policy.js';

export interface UserRecord {
  login: string;
  name: string;
  role: PersonRole;
  zones: string[];
  state: 'active' | 'disabled';
  passwordHash: string;
  /** Set by an admin's reset: the temporary password must be replaced before anything else. */
  mustChange: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface TokenRecord {
  id: string;
  name: string;
  role: Role;
  zones: string[];
  hash: string;
  createdBy: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export interface SessionRow {
  sid: string;
  login: string | null;
  data: string;
  expiresAt: number;
}

interface UserRow {
  login: string;
  name: string;
  role: PersonRole;
  zones: string;
  state: 'active' | 'disabled';
  password_hash: string;
  must_change: number;
  created_at: number;
  updated_at: number;
}
interface TokenRow {
  id: string;
  name: string;
  role: Role;
  zones: string;
  hash: string;
  created_by: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  login TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, zones TEXT NOT NULL DEFAULT '[]',
  state TEXT NOT NULL DEFAULT 'active', password_hash TEXT NOT NULL, must_change INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, zones TEXT NOT NULL DEFAULT '[]', hash TEXT NOT NULL,
  created_by TEXT NOT NULL, created_at INTEGER NOT NULL, last_used_at INTEGER, revoked_at INTEGER);
CREATE TABLE IF NOT EXISTS sessions (
  sid TEXT PRIMARY KEY, login TEXT, data TEXT NOT NULL, expires_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS sessions_login ON sessions(login);
CREATE INDEX IF NOT EXISTS sessions_expiry ON sessions(expires_at);
`;

const user = (r: UserRow): UserRecord => ({
  login: r.login,
  name: r.name,
  role: r.role,
  zones: JSON.parse(r.zones) as string[],
  state: r.state,
  passwordHash: r.password_hash,
  mustChange: r.must_change === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});
const token = (r: TokenRow): TokenRecord => ({
  id: r.id,
  name: r.name,
  role: r.role,
  zones: JSON.parse(r.zones) as string[],
  hash: r.hash,
  createdBy: r.created_by,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

export class AuthStore {
  private db?: Database.Database;

  constructor(private readonly o: { file: string }) {}

  open(): void {
    mkdirSync(dirname(this.o.file), { recursive: true });
    // Hashes and session ids: the owner's only. SQLite gives its -wal and -shm files the same mode.
    closeSync(openSync(this.o.file, 'a', 0o600));
    chmodSync(this.o.file, 0o600);
    const db = new Database(this.o.file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(SCHEMA);
    this.db = db;
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
  }

  private get d(): Database.Database {
    if (!this.db) throw new Error('auth store is not open');
    return this.db;
  }

  // ------------------------------------------------------------ users

  userCount(): number {
    return (this.d.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  }

  activeAdmins(): number {
    return (this.d.prepare("SELECT count(*) AS n FROM users WHERE role = 'admin' AND state = 'active'").get() as { n: number }).n;
  }

  user(login: string): UserRecord | undefined {
    const r = this.d.prepare('SELECT * FROM users WHERE login = ?').get(login) as UserRow | undefined;
    return r && user(r);
  }

  users(): UserRecord[] {
    return (this.d.prepare('SELECT * FROM users ORDER BY login').all() as UserRow[]).map(user);
  }

  insertUser(u: UserRecord): void {
    this.d
      .prepare('INSERT INTO users (login, name, role, zones, state, password_hash, must_change, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(u.login, u.name, u.role, JSON.stringify(u.zones), u.state, u.passwordHash, u.mustChange ? 1 : 0, u.createdAt, u.updatedAt);
  }

  updateUser(u: UserRecord): void {
    this.d
      .prepare('UPDATE users SET name = ?, role = ?, zones = ?, state = ?, password_hash = ?, must_change = ?, updated_at = ? WHERE login = ?')
      .run(u.name, u.role, JSON.stringify(u.zones), u.state, u.passwordHash, u.mustChange ? 1 : 0, u.updatedAt, u.login);
  }

  // ------------------------------------------------------------ tokens

  token(id: string): TokenRecord | undefined {
    const r = this.d.prepare('SELECT * FROM tokens WHERE id = ?').get(id) as TokenRow | undefined;
    return r && token(r);
  }

  tokens(): TokenRecord[] {
    return (this.d.prepare('SELECT * FROM tokens ORDER BY created_at').all() as TokenRow[]).map(token);
  }

  insertToken(t: TokenRecord): void {
    this.d
      .prepare('INSERT INTO tokens (id, name, role, zones, hash, created_by, created_at, last_used_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(t.id, t.name, t.role, JSON.stringify(t.zones), t.hash, t.createdBy, t.createdAt, t.lastUsedAt, t.revokedAt);
  }

  touchToken(id: string, at: number): void {
    this.d.prepare('UPDATE tokens SET last_used_at = ? WHERE id = ?').run(at, id);
  }

  revokeToken(id: string, at: number): void {
    this.d.prepare('UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(at, id);
  }

  // ------------------------------------------------------------ sessions

  session(sid: string, now: number): SessionRow | undefined {
    const r = this.d.prepare('SELECT sid, login, data, expires_at AS expiresAt FROM sessions WHERE sid = ?').get(sid) as SessionRow | undefined;
    if (r && r.expiresAt <= now) {
      this.deleteSession(sid);
      return undefined;
    }
    return r;
  }

  putSession(s: SessionRow): void {
    this.d
      // A request still in flight when its session was ended must not bring it back.
      .prepare(
        "INSERT INTO sessions (sid, login, data, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT(sid) DO UPDATE SET login = excluded.login, data = excluded.data, expires_at = excluded.expires_at WHERE json_extract(sessions.data, '$.ended') IS NULL",
      )
      .run(s.sid, s.login, s.data, s.expiresAt);
  }

  deleteSession(sid: string): void {
    this.d.prepare('DELETE FROM sessions WHERE sid = ?').run(sid);
  }

  /**
   * Signs a user out everywhere but `except` (password change, disabling). The rows stay, marked
   * with the reason, until they expire: the next request of each says why it was signed out.
   */
  endSessionsOf(login: string, reason: string, except = ''): number {
    return this.d
      .prepare("UPDATE sessions SET login = NULL, data = json_set(data, '$.ended', ?, '$.login', NULL) WHERE login = ? AND sid != ?")
      .run(reason, login, except).changes;
  }

  sessionsOf(login: string): number {
    return (this.d.prepare('SELECT count(*) AS n FROM sessions WHERE login = ?').get(login) as { n: number }).n;
  }

  pruneSessions(now: number): number {
    return this.d.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now).changes;
  }
}
