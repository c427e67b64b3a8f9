// A form's error: the message under it, and which inputs it marks (aria-invalid). Typing in a
// marked input drops its mark; the message stays until the next try, so the reader keeps the why.
import { batch, signal } from '@preact/signals';
import { invalid, type MessageFn } from './Msg.js';

export class FormError {
  readonly msg = signal<MessageFn | null>(null);
  /** Inputs typed in since the message came. */
  private readonly edited = signal<ReadonlySet<string>>(new Set());

  set(msg: MessageFn | null): void {
    batch(() => {
      this.msg.value = msg;
      this.edited.value = new Set();
    });
  }

  /** aria-invalid for the input at `path` (an API path such as "password" or "zones"). */
  invalid(path: string): true | undefined {
    return this.edited.value.has(path) ? undefined : invalid(this.msg.value, path);
  }

  /** The reader typed in the input at `path`: its mark goes. */
  touch(path: string): void {
    if (invalid(this.msg.peek(), path) && !this.edited.peek().has(path)) this.edited.value = new Set([...this.edited.peek(), path]);
  }
}
