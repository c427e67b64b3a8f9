// A module's durable state as one JSON file: validated on load, written atomically and in order.
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { writeFileAtomic } from './atomic.js';

export class JsonFile<S extends z.ZodType> {
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly o: { file: string; schema: S; log: Logger }) {}

  /** The file's content, or the schema's defaults (from `{}`) when there is no file yet. */
  async load(): Promise<z.infer<S>> {
    try {
      return this.o.schema.parse(JSON.parse(await readFile(this.o.file, 'utf8')));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      return this.o.schema.parse({});
    }
  }

  /** Snapshots the value now; writes queue behind each other so the newest lands last. */
  save(value: z.infer<S>): Promise<void> {
    const text = JSON.stringify(value);
    this.chain = this.chain.then(() => writeFileAtomic(this.o.file, text)).catch((err) => this.o.log.error({ err, file: this.o.file }, 'state not saved'));
    return this.chain;
  }
}
