// A message under a form or control, and the refusal of a request in words. Messages are built
// as functions of the language so they follow the VI | EN toggle; a form keeps what was typed and
// marks the inputs a refusal names (`invalid`).
import { ApiError } from '../lib/http.js';
import { codeText, t } from '../lib/i18n.js';

export interface Message {
  kind: 'ok' | 'error';
  title: string;
  lines?: string[];
  /** API paths ("steps.0.level") of the inputs to mark, without "body."/"params.". */
  fields?: string[];
}
export type MessageFn = () => Message;

export function Msg({ msg, testid, id }: { msg: MessageFn | undefined | null; testid?: string; id?: string }) {
  const m = msg?.();
  const lines = (m?.lines ?? []).filter(Boolean);
  return (
    <div id={id} class={`cmd-error${m ? ' shown' : ''}`} data-testid={testid} data-kind={m?.kind} role={m?.kind === 'error' ? 'alert' : 'status'}>
      {m ? <strong>{m.title}</strong> : null}
      {lines.length ? (
        <ul>
          {lines.map((l, i) => (
            <li key={i}>{l}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** aria-invalid for the input at `path`: an error names it, or a path under it. */
export function invalid(msg: MessageFn | undefined | null, path: string): true | undefined {
  const fields = msg?.().fields ?? [];
  return fields.some((f) => f === path || f.startsWith(`${path}.`)) || undefined;
}

const fieldPath = (path: string) =>
  path
    .split('.')
    .filter((p) => p && p !== 'body' && p !== 'params' && p !== 'querystring')
    .join('.');

/**
 * A failed request as a message: the refusal's code in words (else the HTTP status), then each
 * field issue with the field's name from `label` (a page's names for its API paths).
 */
export function refusal(err: unknown, o: { title?: () => string; label?: (path: string) => string } = {}): MessageFn {
  return () => {
    if (!(err instanceof ApiError)) return { kind: 'error', title: o.title?.() ?? t('loadFailed'), lines: [String(err)] };
    const issues = err.body.issues ?? [];
    const why = err.status === 0 ? t('networkError') : codeText(err.code) || (err.status === 400 ? t('badRequest') : t('serverError', { status: err.status }));
    const lines = issues.length ? issues.map((i) => `${o.label ? o.label(fieldPath(i.path)) : fieldPath(i.path)}: ${i.message}`) : err.body.message ? [err.body.message] : [];
    return o.title ? { kind: 'error', title: o.title(), lines: [why, ...lines], fields: issues.map((i) => fieldPath(i.path)) } : { kind: 'error', title: why, lines, fields: issues.map((i) => fieldPath(i.path)) };
  };
}
