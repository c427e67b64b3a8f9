// Scenes: kept in DATA_DIR/scenes.json with their last runs (written atomically), and run as the
// caller. A run is checked whole against the policy before anything is done (one refused action
// refuses the run: nothing half-done), then its actions are performed in order while each device's
// outcome is followed from the bus (a light's command to applied/rejected/expired, a cluster's
// emergency delivery to started/finished/failed). Every change is a bus `scene` event.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { authorize, type Actor } from '../auth/policy.js';
import type { Bus } from '../bus.js';
import type { CommandRecord, CommandService } from '../commands/commands.js';
import { JsonFile } from '../config/json-file.js';
import type { SiteStore } from '../config/site.js';
import { DomainError, issuesOf } from '../errors.js';
import type { BulletinView } from '../radio/radio.js';
import { isServiceAction, performServiceAction, runnerNeeds, type ActionServices } from '../rules/actions.js';
import { checkActions, type Action } from '../rules/schema.js';
import { deliver } from '../rules/webhook.js';
import { Scene, ScenesFile, SETTLED, type DeviceOutcome, type RunAction, type SceneInput, type SceneRun } from './schema.js';

export interface ScenesOptions extends Omit<ActionServices, 'now'> {
  bus: Bus;
  commands: Pick<CommandService, 'send' | 'get'>;
  /** A bulletin's view by id (deliveries per cluster), for following it. */
  bulletin?: (id: string) => BulletinView | undefined;
  file: string;
  log: Logger;
  now?: () => number;
  /** How long a run waits for devices to settle after its last action (2 min). */
  settleMs?: number;
}

const RUNS_KEPT = 20;
/** Runs are saved at most this often while devices report (and at once when one starts or ends). */
const SAVE_EVERY_MS = 1000;

const COMMAND_OUTCOME: Record<string, DeviceOutcome | undefined> = { applied: 'applied', rejected: 'rejected', expired: 'expired', timeout: 'expired' };
const DELIVERY_OUTCOME: Record<string, DeviceOutcome> = {
  queued: 'sent',
  waiting: 'sent',
  sent: 'sent',
  acked: 'sent',
  started: 'started',
  finished: 'finished',
  failed: 'failed',
  missed: 'failed',
  expired: 'failed',
  cancelled: 'failed',
};

/** Who a run names: a user by login, a token by its id, a rule as given. */
const byOf = (actor: Actor, by?: string) => by ?? (actor.kind === 'user' ? `user:${actor.id}` : actor.id);

export class Scenes {
  private data: ScenesFile = { scenes: [], runs: [] };
  private readonly file: JsonFile<typeof ScenesFile>;
  private readonly offs: (() => void)[] = [];
  /** Command id → the run and action following it. */
  private readonly byCommand = new Map<string, { run: SceneRun; action: RunAction }>();
  private readonly byBulletin = new Map<string, { run: SceneRun; action: RunAction }>();
  /** Runs still performing or waiting for devices, by scene id (one at a time per scene). */
  private readonly active = new Map<string, { run: SceneRun; performed: boolean; timer?: NodeJS.Timeout }>();
  private saveTimer?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly o: ScenesOptions) {
    this.file = new JsonFile({ file: o.file, schema: ScenesFile, log: o.log });
  }

  now(): number {
    return this.o.now?.() ?? Date.now();
  }

  async start(): Promise<void> {
    this.data = await this.file.load();
    // A run cut by a restart ends as it stands: its commands and deliveries went on without us.
    for (const r of this.data.runs) if (r.status === 'running') Object.assign(r, { status: 'failed', endedAt: this.now() });
    this.offs.push(
      this.o.bus.on('command', (c) => this.onCommand(c)),
      this.o.bus.on('radio', ({ bulletinId }) => {
        const f = this.byBulletin.get(bulletinId);
        const b = f && this.o.bulletin?.(bulletinId);
        if (f && b) this.onBulletin(f.run, f.action, b);
      }),
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const off of this.offs.splice(0)) off();
    for (const a of this.active.values()) clearTimeout(a.timer);
    clearTimeout(this.saveTimer);
    await this.file.save(this.data);
  }

  // ---- scenes -----------------------------------------------------------------------------------

  list(): Scene[] {
    return this.data.scenes;
  }

  get(id: string): Scene | undefined {
    return this.data.scenes.find((s) => s.id === id);
  }

  scene(id: string): Scene {
    const s = this.get(id);
    if (!s) throw new DomainError('not-found', `no scene ${id}`, 404);
    return s;
  }

  /** The scene's runs, newest first. */
  runsOf(sceneId: string): SceneRun[] {
    return this.data.runs.filter((r) => r.scene === sceneId).reverse();
  }

  runById(runId: string): SceneRun {
    const r = this.data.runs.find((x) => x.id === runId);
    if (!r) throw new DomainError('not-found', `no scene run ${runId}`, 404);
    return r;
  }

  /** Creates or replaces a scene, validated whole and against the site. */
  async put(input: SceneInput): Promise<Scene> {
    const parsed = Scene.safeParse(input);
    if (!parsed.success) throw new DomainError('invalid', 'invalid scene', 400, issuesOf(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)));
    const s = parsed.data;
    const issues = [...checkActions(s.actions, this.o.site.config, 'actions'), ...checkActions(s.undo ?? [], this.o.site.config, 'undo')];
    if (issues.length) throw new DomainError('invalid', 'the scene does not fit this site', 400, issues);
    const i = this.data.scenes.findIndex((x) => x.id === s.id);
    if (i < 0) this.data.scenes.push(s);
    else this.data.scenes[i] = s;
    await this.file.save(this.data);
    return s;
  }

  async remove(id: string): Promise<void> {
    this.scene(id);
    this.data.scenes = this.data.scenes.filter((s) => s.id !== id);
    await this.file.save(this.data);
  }

  // ---- running ----------------------------------------------------------------------------------

  /**
   * The first action the actor may not take (index and reason), or undefined when all are allowed.
   * Run before anything is done, so a refused run leaves nothing half-done.
   */
  refusal(actor: Actor, scene: Scene, undo = false): { index: number; kind: Action['kind']; reason: string } | undefined {
    const run = authorize(actor, 'scenes.run');
    if (!run.ok) return { index: -1, kind: 'scene', reason: run.reason };
    for (const { index, kind, needs } of runnerNeeds(undo ? (scene.undo ?? []) : scene.actions, this.o.site)) {
      for (const [action, res] of needs) {
        const d = authorize(actor, action, res);
        if (!d.ok) return { index, kind, reason: d.reason };
      }
    }
    return undefined;
  }

  /**
   * Starts a run (or the undo) as the actor and answers its record at once; the page follows it on
   * the live stream. 403 `scene-action-forbidden` naming the first refused action, 409
   * `scene-running` with the run under way, 400 `scene-no-undo`.
   */
  run(actor: Actor, sceneId: string, o: { undo?: boolean; by?: string } = {}): SceneRun {
    const scene = this.scene(sceneId);
    const undo = !!o.undo;
    if (undo && !scene.undo?.length) throw new DomainError('scene-no-undo', `scene ${sceneId} has no undo`, 400);
    const under = this.active.get(sceneId);
    if (under) throw new DomainError('scene-running', `scene ${sceneId} is running (run ${under.run.id})`, 409, [], { run: under.run });
    const bad = this.refusal(actor, scene, undo);
    if (bad) {
      throw new DomainError('scene-action-forbidden', `action ${bad.index + 1} (${bad.kind}) is not allowed: ${bad.reason}`, 403, [], { action: { index: bad.index, kind: bad.kind } });
    }
    const actions = undo ? scene.undo! : scene.actions;
    const run: SceneRun = {
      id: `sr-${randomUUID().slice(0, 8)}`,
      scene: scene.id,
      name: scene.name,
      undo,
      by: byOf(actor, o.by),
      startedAt: this.now(),
      status: 'running',
      actions: actions.map((a) => ({ kind: a.kind, state: 'pending', devices: [] })),
    };
    this.data.runs.push(run);
    this.trim();
    this.active.set(scene.id, { run, performed: false });
    this.o.log.info({ scene: scene.id, run: run.id, by: run.by, undo }, 'scene run started');
    this.changed(run, true);
    void this.perform(actor, scene, actions, run);
    return run;
  }

  private async perform(actor: Actor, scene: Scene, actions: Action[], run: SceneRun): Promise<void> {
    // Overrides and the irrigation record name the scene, so its undo clears only what it set.
    const by = `scene:${scene.id}`;
    for (const [i, a] of actions.entries()) {
      const ra = run.actions[i]!;
      if (this.stopped) break;
      ra.state = 'sent';
      this.changed(run);
      try {
        ra.detail = await this.act(actor, scene, a, ra, run, by);
        // Devices still to answer keep the action at `sent`; the last one settles it.
        this.settled(run, ra);
      } catch (err) {
        ra.state = 'failed';
        ra.code = err instanceof DomainError ? err.code : 'error';
        ra.detail = (err as Error).message;
        this.o.log.warn({ scene: scene.id, run: run.id, action: a.kind, err: (err as Error).message }, 'scene action failed');
      }
      this.changed(run);
    }
    const act = this.active.get(scene.id);
    if (!act || act.run !== run) return;
    act.performed = true;
    act.timer = setTimeout(() => this.finish(run, 'settle time passed'), this.o.settleMs ?? 120_000);
    this.maybeFinish(run);
  }

  private async act(actor: Actor, scene: Scene, a: Action, ra: RunAction, run: SceneRun, by: string): Promise<string> {
    if (isServiceAction(a)) {
      return performServiceAction({ ...this.o, now: () => this.now() }, actor, a, by, {
        command: (r) => this.follow(run, ra, r),
        bulletin: (b) => {
          ra.bulletin = b.id;
          this.byBulletin.set(b.id, { run, action: ra });
          this.onBulletin(run, ra, b);
        },
      });
    }
    switch (a.kind) {
      case 'command': {
        const r = await this.o.commands.send({ deviceId: a.device, action: a.action, params: a.params, issuer: by });
        this.follow(run, ra, r);
        return `command ${r.id} sent`;
      }
      case 'alert': {
        this.o.bus.emit('alert', {
          key: `scene:${scene.id}`,
          what: { code: 'scene', scene: scene.id, name: scene.name, text: a.message },
          severity: a.severity,
          message: a.message,
          at: new Date(this.now()),
          active: !run.undo,
        });
        return run.undo ? 'alert cleared' : `raised scene:${scene.id}`;
      }
      case 'webhook':
        return deliver({
          url: a.url,
          method: a.method,
          body: a.body ?? { scene: scene.id, name: scene.name, run: run.id, undo: run.undo, by: run.by, at: new Date(this.now()).toISOString() },
          signal: new AbortController().signal,
          log: (fields) => this.o.log.info({ scene: scene.id, run: run.id, ...fields }, 'scene webhook attempt'),
        });
      default:
        throw new DomainError('invalid', `a scene cannot ${a.kind}`, 400);
    }
  }

  /** A command a device was sent for this run: its outcome arrives on the bus. */
  private follow(run: SceneRun, ra: RunAction, r: CommandRecord): void {
    this.byCommand.set(r.id, { run, action: ra });
    this.setDevice(run, ra, r.deviceId, 'sent');
    // It may have settled before we heard of it.
    const now = this.o.commands.get(r.id);
    if (now && now.status !== 'pending') this.onCommand(now);
  }

  private onCommand(c: CommandRecord): void {
    const f = this.byCommand.get(c.id);
    const state = COMMAND_OUTCOME[c.status];
    if (!f || !state) return;
    this.byCommand.delete(c.id);
    this.setDevice(f.run, f.action, c.deviceId, state, c.reason);
  }

  private onBulletin(run: SceneRun, ra: RunAction, b: BulletinView): void {
    let moved = false;
    for (const d of b.deliveries) {
      const state = DELIVERY_OUTCOME[d.status] ?? 'sent';
      const cur = ra.devices.find((x) => x.id === d.device);
      // A started delivery that finished stays settled; a device never goes back to `sent`.
      if (cur && (cur.state === state || (SETTLED.has(cur.state) && state === 'sent'))) continue;
      this.setDevice(run, ra, d.device, state, d.reasonCode, false);
      moved = true;
    }
    if (moved) this.settled(run, ra);
  }

  private setDevice(run: SceneRun, ra: RunAction, id: string, state: DeviceOutcome, reason?: string, check = true): void {
    const d = { id, state, at: this.now(), ...(reason && { reason }) };
    const i = ra.devices.findIndex((x) => x.id === id);
    if (i < 0) ra.devices.push(d);
    else ra.devices[i] = d;
    if (check) this.settled(run, ra);
  }

  private settled(run: SceneRun, ra: RunAction): void {
    if (ra.state === 'sent' && ra.detail !== undefined && ra.devices.every((d) => SETTLED.has(d.state))) {
      ra.state = 'done';
    }
    this.changed(run);
    this.maybeFinish(run);
  }

  private maybeFinish(run: SceneRun): void {
    const act = this.active.get(run.scene);
    if (!act || act.run !== run || !act.performed) return;
    if (run.actions.every((a) => a.state === 'done' || a.state === 'failed')) this.finish(run);
  }

  private finish(run: SceneRun, why?: string): void {
    const act = this.active.get(run.scene);
    if (!act || act.run !== run) return;
    clearTimeout(act.timer);
    this.active.delete(run.scene);
    run.status = run.actions.some((a) => a.state === 'failed') ? 'failed' : 'done';
    run.endedAt = this.now();
    this.o.log.info({ scene: run.scene, run: run.id, status: run.status, ms: run.endedAt - run.startedAt, ...(why && { why }) }, 'scene run ended');
    this.changed(run, true);
  }

  /** The run under way for a scene, if any. */
  running(sceneId: string): SceneRun | undefined {
    return this.active.get(sceneId)?.run;
  }

  private trim(): void {
    const over = this.data.runs.length - RUNS_KEPT;
    if (over <= 0) return;
    const gone = this.data.runs.splice(0, over);
    for (const r of gone) {
      for (const [k, v] of this.byCommand) if (v.run === r) this.byCommand.delete(k);
      for (const [k, v] of this.byBulletin) if (v.run === r) this.byBulletin.delete(k);
    }
  }

  /** Pushed at once; saved at once when a run starts or ends, else at most once a second. */
  private changed(run: SceneRun, now = false): void {
    this.o.bus.emit('scene', run);
    if (now) {
      clearTimeout(this.saveTimer);
      this.saveTimer = undefined;
      void this.file.save(this.data);
      return;
    }
    this.saveTimer ??= setTimeout(() => {
      this.saveTimer = undefined;
      void this.file.save(this.data);
    }, SAVE_EVERY_MS);
  }
}
