// Runs Debian's influxd as a child when no INFLUX_URL is given: its own config, data dirs and
// loopback ports, started before storage and stopped after it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer } from 'node:net';
import type { Logger } from 'pino';

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

export class InfluxdMissingError extends Error {
  constructor() {
    super('influxd not found: install it with `apt-get install -y influxdb` (Debian), or set INFLUX_URL to an InfluxDB 1.x server');
  }
}

export class InfluxdProcess {
  private child?: ChildProcess;
  private exited?: Promise<void>;
  port = 0;

  constructor(private readonly o: { dir: string; log: Logger; port?: number; bin?: string }) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    // A restart keeps its port, so clients pointed at it find it again.
    this.port = this.port || this.o.port || (await freePort());
    const rpcPort = await freePort();
    const d = (s: string) => join(this.o.dir, s);
    await Promise.all(['meta', 'data', 'wal'].map((s) => mkdir(d(s), { recursive: true })));
    const conf = [
      'reporting-disabled = true',
      `bind-address = "127.0.0.1:${rpcPort}"`,
      `[meta]\n  dir = "${d('meta')}"`,
      `[data]\n  dir = "${d('data')}"\n  wal-dir = "${d('wal')}"\n  query-log-enabled = false`,
      `[http]\n  bind-address = "127.0.0.1:${this.port}"\n  log-enabled = false`,
      '[monitor]\n  store-enabled = false',
      '[logging]\n  level = "warn"',
      '',
    ].join('\n');
    await writeFile(d('influxdb.conf'), conf);
    const bin = this.o.bin ?? 'influxd';
    const child = spawn(bin, ['-config', d('influxdb.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => {
      stderr = (stderr + b.toString()).slice(-4000);
    });
    this.exited = new Promise((r) => child.once('exit', () => r()));
    await new Promise<void>((resolve, reject) => {
      child.once('error', (e: NodeJS.ErrnoException) => reject(e.code === 'ENOENT' ? new InfluxdMissingError() : e));
      child.once('spawn', () => resolve());
    });
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`influxd exited with ${child.exitCode}: ${stderr}`);
      try {
        const r = await fetch(`${this.url}/ping`);
        if (r.status === 204) break;
      } catch {
        /* not up yet */
      }
      if (Date.now() > deadline) throw new Error(`influxd did not answer on ${this.url}: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    this.o.log.info({ url: this.url }, 'influxd started');
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    child.kill('SIGTERM');
    const killed = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(killed);
    this.o.log.info('influxd stopped');
  }
}
