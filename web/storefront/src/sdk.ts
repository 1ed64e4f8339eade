/**
 * The public SDK (miniprograms/static/plaza-sdk.js, wire format v1), as this storefront uses
 * it: the host page answers each call; nothing here reaches Plaza but through the host or the
 * Storefront API with the token the person granted.
 */
export interface LaunchOptions {
  path?: string;
  query?: Record<string, string>;
  scene?: string;
  source?: string;
}

export interface PlazaSdk {
  login(options: { scopes: string[]; codeChallenge?: string; nonce?: string }): Promise<{
    code: string;
  }>;
  requestPayment(options: { prepayId: string }): Promise<{ status: string }>;
  share(options: { title: string; pagePath: string; imageUrl: string }): Promise<{
    shared: boolean;
  }>;
  getLaunchOptions(): Promise<LaunchOptions>;
}

declare global {
  interface Window {
    plaza?: PlazaSdk;
  }
}

export function sdk(): PlazaSdk {
  if (!window.plaza) throw new Error("plaza-sdk.js is not loaded");
  return window.plaza;
}

/** A refusal from the host (the person closed a sheet, a timeout): its stable code. */
export function sdkErrorCode(error: unknown): string {
  return (error as { code?: string } | null)?.code ?? "error";
}
