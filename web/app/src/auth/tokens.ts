/**
 * The access token lives in this module's memory only (never web storage or a URL); the refresh
 * token is an HttpOnly cookie the script cannot read, sent only to /api/v1/auth/ with the
 * X-Plaza-Client header (docs/web.md, "Tokens").
 */
export const WEB_CLIENT_HEADERS = { "X-Plaza-Client": "web" } as const;

interface TokenBody {
  access_token: string;
  expires_in: number;
}

let accessToken: string | null = null;
let refreshing: Promise<string | null> | null = null;
let restoring: Promise<string | null> | null = null;

export function currentAccessToken(): string | null {
  return accessToken;
}

export function rememberTokens(body: TokenBody): void {
  accessToken = body.access_token;
}

export function forgetTokens(): void {
  accessToken = null;
}

/** One refresh at a time: concurrent 401s wait for the same cookie refresh. */
export function refreshAccessToken(): Promise<string | null> {
  refreshing ??= fetch("/api/v1/auth/refresh", {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", ...WEB_CLIENT_HEADERS },
    body: "{}",
  })
    .then(async (response) => {
      if (!response.ok) {
        forgetTokens();
        return null;
      }
      rememberTokens((await response.json()) as TokenBody);
      return accessToken;
    })
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

/**
 * The session a reload keeps: the page's first refresh through the cookie, asked once. main.tsx
 * asks before React renders, so the request travels while the first screen is being drawn. A
 * network failure restores nothing (the person sees the sign-in screen, not "Loading…" for
 * good), and the next call asks again.
 */
export function restoreSession(): Promise<string | null> {
  restoring ??= refreshAccessToken().catch(() => {
    restoring = null;
    return null;
  });
  return restoring;
}
