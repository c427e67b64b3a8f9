// A rule's webhook (an SMS or Zalo gateway the commune runs): JSON by POST or PUT; 5xx and network
// errors are retried with doubling waits, a bounded number of times; 4xx is the gateway's answer
// and is not retried. Every attempt is logged, with the URL's origin and path only.

export interface Delivery {
  url: string;
  method: string;
  body: unknown;
  /** A restarted run stops its delivery. */
  signal: AbortSignal;
  attempts?: number;
  backoffMs?: number;
  timeoutMs?: number;
  log: (fields: { url: string; attempt: number; status?: number; err?: string }) => void;
}

/** Resolves with what happened ("delivered (HTTP 204, attempt 2)"), or throws why not. */
export async function deliver(d: Delivery): Promise<string> {
  const attempts = d.attempts ?? 4;
  let wait = d.backoffMs ?? 1000;
  let last = '';
  const url = redact(d.url);
  for (let n = 1; n <= attempts; n++) {
    let status: number | undefined;
    try {
      const res = await fetch(d.url, {
        method: d.method,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(d.body),
        signal: AbortSignal.any([d.signal, AbortSignal.timeout(d.timeoutMs ?? 10_000)]),
      });
      await res.arrayBuffer().catch(() => undefined);
      status = res.status;
    } catch (err) {
      if (d.signal.aborted) throw new Error('run restarted');
      last = (err as Error).message;
      d.log({ url, attempt: n, err: last });
    }
    if (status !== undefined) {
      d.log({ url, attempt: n, status });
      if (status < 300) return `delivered (HTTP ${status}, attempt ${n})`;
      if (status < 500) throw new Error(`HTTP ${status}: not retried`);
      last = `HTTP ${status}`;
    }
    if (n < attempts) {
      await new Promise((r) => setTimeout(r, wait));
      wait *= 2;
    }
  }
  throw new Error(`not delivered after ${attempts} attempts (${last})`);
}

/** A webhook URL may carry a gateway's key in its query: logs get the origin and path only. */
function redact(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}
