// Runs Debian's influxd as a child when no INFLUX_URL is given: its own config, data dirs and
// loopback ports, started before storage and stopped after it, restarted if it dies.
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
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

export interface InfluxdStatus {
  state: 'starting' | 'running' | 'restarting' | 'stopped';
  restarts: number;
  lastExit?: { at: string; code: number | null; signal: string | null };
}

/**
 * Debian's influxd as a supervised child: restarted with backoff when it dies, killed with its
 * parent (setpriv --pdeathsig), and a stale one left on the same data directory by a crash is
 * found through its pid file and stopped before a new one starts.
 */
export class InfluxdProcess {
  private child?: ChildProcess;
  private exited?: Promise<void>;
  private stopping = false;
  private restartTimer?: NodeJS.Timeout;
  private backoffMs = 0;
  private rpcPort = 0;
  private readonly st: InfluxdStatus = { state: 'stopped', restarts: 0 };
  port = 0;

  constructor(private readonly o: { dir: string; log: Logger; port?: number; bin?: string; maxBackoffMs?: number; choosePort?: () => Promise<number> }) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  status(): InfluxdStatus {
    return { ...this.st, ...(this.st.lastExit && { lastExit: { ...this.st.lastExit } }) };
  }

  private get pidFile(): string {
    return join(this.o.dir, 'influxd.pid');
  }

  async start(): Promise<void> {
    this.stopping = false;
    // A restart keeps its ports, so clients pointed at it find it again.
    const choosing = !this.port && !this.o.port;
    const choose = this.o.choosePort ?? (() => freePort());
    this.port = this.port || this.o.port || (await choose());
    this.rpcPort = this.rpcPort || (await choose());
    await this.stopStale();
    this.st.state = 'starting';
    for (let attempt = 1; ; attempt++) {
      try {
        await this.spawn();
        break;
      } catch (err) {
        // Another program took a port between our choosing it and influxd binding it: choose again.
        if (!choosing || attempt >= 3 || !(err instanceof Error) || !/address already in use/.test(err.message)) throw err;
        this.o.log.warn({ port: this.port, rpcPort: this.rpcPort, attempt }, 'influxd found a port taken; choosing others');
        this.port = await choose();
        this.rpcPort = await choose();
      }
    }
    this.st.state = 'running';
    this.backoffMs = 0;
  }

  /** An influxd a crashed plane left on this data directory would fight the new one for its files. */
  private async stopStale(): Promise<void> {
    let pid: number;
    try {
      pid = Number((await readFile(this.pidFile, 'utf8')).trim());
    } catch {
      return;
    }
    if (!Number.isInteger(pid) || pid <= 1) return;
    let cmdline = '';
    try {
      cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').join(' ');
    } catch {
      return; // not running
    }
    // Only an influxd with this directory's config: a reused pid belongs to someone else.
    if (!cmdline.includes('influxd') || !cmdline.includes(join(this.o.dir, 'influxdb.conf'))) return;
    this.o.log.warn({ pid }, 'stopping a stale influxd left on this data directory');
    const gone = async (ms: number) => {
      for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) {
        try {
          process.kill(pid, 0);
        } catch {
          return true;
        }
      }
      return false;
    };
    try {
      process.kill(pid, 'SIGTERM');
      if (!(await gone(10_000))) {
        process.kill(pid, 'SIGKILL');
        await gone(5_000);
      }
    } catch {
      /* already gone */
    }
  }

  private async spawn(): Promise<void> {
    const d = (s: string) => join(this.o.dir, s);
    await Promise.all(['meta', 'data', 'wal'].map((s) => mkdir(d(s), { recursive: true })));
    const conf = [
      'reporting-disabled = true',
      `bind-address = "127.0.0.1:${this.rpcPort}"`,
      `[meta]\n  dir = "${d('meta')}"`,
      `[data]\n  dir = "${d('data')}"\n  wal-dir = "${d('wal')}"\n  query-log-enabled = false`,
      `[http]\n  bind-address = "127.0.0.1:${this.port}"\n  log-enabled = false`,
      '[monitor]\n  store-enabled = false',
      '[logging]\n  level = "warn"',
      '',
    ].join('\n');
    await writeFile(d('influxdb.conf'), conf);
    const bin = this.o.bin ?? 'influxd';
    const args = ['-config', d('influxdb.conf')];
    // setpriv execs influxd with "kill me when my parent dies": a SIGKILLed plane leaves no orphan.
    const child = (await hasSetpriv())
      ? spawn('setpriv', ['--pdeathsig', 'KILL', '--', bin, ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
      : spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
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
    await writeFile(this.pidFile, `${child.pid}\n`);
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) {
        if (/executable file not found|No such file/.test(stderr)) throw new InfluxdMissingError();
        throw new Error(`influxd exited with ${child.exitCode}: ${stderr}`);
      }
      try {
        // Bounded: whatever else holds the port may never answer.
        const r = await fetch(`${this.url}/ping`, { signal: AbortSignal.timeout(2000) });
        if (r.status === 204) break;
      } catch {
        /* not up yet */
      }
      if (Date.now() > deadline) throw new Error(`influxd did not answer on ${this.url}: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    child.once('exit', (code, signal) => this.onExit(child, code, signal, stderr));
    this.o.log.info({ url: this.url, pid: child.pid }, 'influxd started');
  }

  /** Died on its own: start it again, waiting longer after each failure (1 s, 2 s … 30 s). */
  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null, stderr: string): void {
    if (this.stopping || child !== this.child) return;
    this.st.lastExit = { at: new Date().toISOString(), code, signal };
    this.st.state = 'restarting';
    this.backoffMs = Math.min(this.o.maxBackoffMs ?? 30_000, this.backoffMs ? this.backoffMs * 2 : 1000);
    this.o.log.error({ code, signal, stderr: stderr.slice(-500), retryInMs: this.backoffMs }, 'influxd died; restarting it');
    this.restartTimer = setTimeout(() => {
      this.spawn().then(
        () => {
          this.st.restarts++;
          this.st.state = 'running';
          this.backoffMs = 0;
        },
        (err) => {
          this.o.log.error({ err }, 'influxd did not come back; trying again');
          // One that started but never answered must not hold the data directory against the next.
          if (this.child && this.child.exitCode === null) this.child.kill('SIGKILL');
          if (this.child) this.onExit(this.child, this.child.exitCode, null, '');
        },
      );
    }, this.backoffMs);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    this.st.state = 'stopped';
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killed = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(killed);
    await rm(this.pidFile, { force: true });
    this.o.log.info('influxd stopped');
  }
}

let setpriv: Promise<boolean> | undefined;
function hasSetpriv(): Promise<boolean> {
  return (setpriv ??= access('/usr/bin/setpriv', constants.X_OK).then(
    () => true,
    () => false,
  ));
}
