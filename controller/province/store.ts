// The province's registry in one SQLite file under DATA_DIR (better-sqlite3): the communes with
// their push token's id, and a receipt per commune and period (a day or a month) holding which
// snapshot the figures in InfluxDB came from. The receipt is what makes a push idempotent and
// keeps an older snapshot from overwriting a newer one.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export interface CommuneRecord {
  id: string;
  name: string;
  district: string;
  tokenId: string;
  createdAt: number;
  lastHeardAt: number | null;
}

export interface Receipt {
  commune: string;
  /** `YYYY-MM` for a month, `YYYY-MM-DD` for a day. */
  key: string;
  kind: 'day' | 'month';
  computedAt: number;
  receivedAt: number;
  simulated: boolean;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS communes (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, district TEXT NOT NULL, token_id TEXT NOT NULL,
  created_at INTEGER NOT NULL, last_heard_at INTEGER
);
CREATE TABLE IF NOT EXISTS receipts (
  commune TEXT NOT NULL, key TEXT NOT NULL, kind TEXT NOT NULL, computed_at INTEGER NOT NULL,
  received_at INTEGER NOT NULL, simulated INTEGER NOT NULL, PRIMARY KEY (commune, key)
);
`;

interface CommuneRow {
  id: string;
  name: string;
  district: string;
  token_id: string;
  created_at: number;
  last_heard_at: number | null;
}
interface ReceiptRow {
  commune: string;
  key: string;
  kind: 'day' | 'month';
  computed_at: number;
  received_at: number;
  simulated: number;
}

const commune = (r: CommuneRow): CommuneRecord => ({ id: r.id, name: r.name, district: r.district, tokenId: r.token_id, createdAt: r.created_at, lastHeardAt: r.last_heard_at });
const receipt = (r: ReceiptRow): Receipt => ({ commune: r.commune, key: r.key, kind: r.kind, computedAt: r.computed_at, receivedAt: r.received_at, simulated: r.simulated === 1 });

export class ProvinceStore {
  private readonly d: Database.Database;

  constructor(o: { dataDir: string }) {
    mkdirSync(o.dataDir, { recursive: true });
    this.d = new Database(join(o.dataDir, 'province.db'));
    this.d.pragma('journal_mode = WAL');
    this.d.exec(SCHEMA);
  }

  communes(): CommuneRecord[] {
    return (this.d.prepare('SELECT * FROM communes ORDER BY district, name').all() as CommuneRow[]).map(commune);
  }

  commune(id: string): CommuneRecord | undefined {
    const r = this.d.prepare('SELECT * FROM communes WHERE id = ?').get(id) as CommuneRow | undefined;
    return r && commune(r);
  }

  byToken(tokenId: string): CommuneRecord | undefined {
    const r = this.d.prepare('SELECT * FROM communes WHERE token_id = ?').get(tokenId) as CommuneRow | undefined;
    return r && commune(r);
  }

  insertCommune(c: CommuneRecord): void {
    this.d.prepare('INSERT INTO communes (id, name, district, token_id, created_at, last_heard_at) VALUES (?, ?, ?, ?, ?, ?)').run(c.id, c.name, c.district, c.tokenId, c.createdAt, c.lastHeardAt);
  }

  setToken(id: string, tokenId: string): void {
    this.d.prepare('UPDATE communes SET token_id = ? WHERE id = ?').run(tokenId, id);
  }

  /** Removes the commune from the registry; its receipts and figures stay (history). */
  deleteCommune(id: string): void {
    this.d.prepare('DELETE FROM communes WHERE id = ?').run(id);
  }

  heard(id: string, at: number): void {
    this.d.prepare('UPDATE communes SET last_heard_at = ? WHERE id = ?').run(at, id);
  }

  receipt(communeId: string, key: string): Receipt | undefined {
    const r = this.d.prepare('SELECT * FROM receipts WHERE commune = ? AND key = ?').get(communeId, key) as ReceiptRow | undefined;
    return r && receipt(r);
  }

  putReceipt(r: Receipt): void {
    this.d
      .prepare('INSERT INTO receipts (commune, key, kind, computed_at, received_at, simulated) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (commune, key) DO UPDATE SET kind = excluded.kind, computed_at = excluded.computed_at, received_at = excluded.received_at, simulated = excluded.simulated')
      .run(r.commune, r.key, r.kind, r.computedAt, r.receivedAt, r.simulated ? 1 : 0);
  }

  /** Every receipt of a month: its own and its days'. */
  receiptsOf(month: string): Receipt[] {
    return (this.d.prepare('SELECT * FROM receipts WHERE key = ? OR key LIKE ?').all(month, `${month}-%`) as ReceiptRow[]).map(receipt);
  }

  close(): void {
    this.d.close();
  }
}
