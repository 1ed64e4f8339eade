/** The API's one error shape (API.md, Conventions): `{code, detail, fields?}`. */
export interface ApiErrorBody {
  code: string;
  detail: string;
  fields?: Record<string, string[]>;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: Record<string, string[]>;
  /** Whatever else the error carries, e.g. `locked_until` of `pin_locked`. */
  readonly extra: Record<string, unknown>;

  constructor(status: number, body: (Partial<ApiErrorBody> & Record<string, unknown>) | undefined) {
    super(body?.detail ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.code ?? (status === 0 ? "network_error" : "server_error");
    this.fields = body?.fields ?? {};
    this.extra = body ?? {};
  }

  /** A 5xx or a network failure: worth a retry, not the user's fault. */
  get retryable(): boolean {
    return this.status === 0 || this.status >= 500;
  }
}

export function fieldError(error: unknown, field: string): string | undefined {
  return error instanceof ApiError ? error.fields[field]?.join(" ") : undefined;
}
