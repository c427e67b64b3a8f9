// A control's note under it: an error stays until the next try, a success goes away by itself.
import { useSignal, type Signal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { MessageFn } from '../../components/Msg.js';
import { t } from '../../lib/i18n.js';

const OK_SHOWN_MS = 8000;

export interface Note {
  msg: Signal<MessageFn | undefined>;
  set(fn: MessageFn | undefined, ok?: boolean): void;
}

export function useNote(): Note {
  const msg = useSignal<MessageFn | undefined>(undefined);
  const timer = useSignal<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.peek()), []);
  return {
    msg,
    set(fn, ok = false) {
      clearTimeout(timer.peek());
      msg.value = fn;
      if (ok) timer.value = setTimeout(() => msg.value === fn && (msg.value = undefined), OK_SHOWN_MS);
    },
  };
}

/** A refusal the page makes itself before sending (nothing typed, say), marking `fields`. */
export const localError =
  (line: () => string, fields: string[] = []): MessageFn =>
  () => ({ kind: 'error', title: t('badRequest'), lines: [line()], fields });
