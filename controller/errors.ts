// One base class for every refusal a module gives a caller: a structured code for pages and
// scripts, an HTTP status, and the field-level issues. The API maps it to its error shape in one
// place (controller/api/errors.ts).

export interface Issue {
  path: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    /** A stable, machine-readable code such as `not-found` or `zone-out-of-scope`. */
    readonly code: string,
    message: string,
    readonly status: number,
    readonly issues: Issue[] = [],
    /** More for the caller, e.g. the command record a refusal is about. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The usual statuses of the common codes. */
export const STATUS_OF: Record<string, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'too-large': 413,
  'rate-limited': 429,
  'setup-required': 503,
};

/** "path: message" lines (site validation, zod) as issues. */
export function issuesOf(lines: string[]): Issue[] {
  return lines.map((line) => {
    const i = line.indexOf(': ');
    return i < 0 ? { path: '', message: line } : { path: line.slice(0, i), message: line.slice(i + 2) };
  });
}
