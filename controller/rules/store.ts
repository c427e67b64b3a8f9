// Rules and their per-target states in one JSON file (DATA_DIR/rules.json), written atomically.
// States change on readings, so writes are coalesced: at most one every `everyMs`, and one at stop.
// A pending `for` keeps its `since` across a restart: the engine re-arms its deadline from it.
import type { Logger } from 'pino';
import { z } from 'zod';
import { JsonFile } from '../config/json-file.js';
import { Rule, RuleState } from './schema.js';

export const RulesFile = z.object({
  rules: z.array(Rule).default([]),
  states: z.record(z.string(), RuleState).default({}),
});
export type RulesFile = z.infer<typeof RulesFile>;

export class RuleStore {
  private data: RulesFile = { rules: [], states: {} };
  private readonly file: JsonFile<typeof RulesFile>;
  private timer?: NodeJS.Timeout;
  private last = 0;

  constructor(private readonly o: { file: string; log: Logger; everyMs?: number }) {
    this.file = new JsonFile({ file: o.file, schema: RulesFile, log: o.log });
  }

  async load(): Promise<void> {
    this.data = await this.file.load();
  }

  rules(): readonly Rule[] {
    return this.data.rules;
  }

  rule(id: string): Rule | undefined {
    return this.data.rules.find((r) => r.id === id);
  }

  state(id: string): RuleState | undefined {
    return this.data.states[id];
  }

  /** Rule changes are written at once: the caller hears back only when they are on disk. */
  async put(rule: Rule, resetState: boolean): Promise<void> {
    const i = this.data.rules.findIndex((r) => r.id === rule.id);
    if (i < 0) this.data.rules.push(rule);
    else this.data.rules[i] = rule;
    if (resetState) delete this.data.states[rule.id];
    await this.flush();
  }

  async remove(id: string): Promise<boolean> {
    const n = this.data.rules.length;
    this.data.rules = this.data.rules.filter((r) => r.id !== id);
    delete this.data.states[id];
    await this.flush();
    return this.data.rules.length < n;
  }

  /** A state changed: saved with others at the end of the window. */
  setState(id: string, s: RuleState): void {
    this.data.states[id] = s;
    if (this.timer) return;
    const wait = Math.max(0, this.last + (this.o.everyMs ?? 1000) - Date.now());
    this.timer = setTimeout(() => void this.flush(), wait);
  }

  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.last = Date.now();
    await this.file.save(this.data);
  }
}
