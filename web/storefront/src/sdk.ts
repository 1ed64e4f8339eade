/**
 * The public SDK (miniprograms/static/plaza-sdk.js, built from web/sdk; wire format v1), as this
 * storefront uses it: the host page answers each call; nothing here reaches Plaza but through the
 * host or the Storefront API with the token the person granted. Its types are the SDK's own.
 */
import type { Plaza, PlazaError } from "@plaza/sdk/protocol";

export function sdk(): Plaza {
  if (!window.plaza) throw new Error("plaza-sdk.js is not loaded");
  return window.plaza;
}

/** A refusal from the host (the person closed a sheet, a timeout): its stable code. */
export function sdkErrorCode(error: unknown): PlazaError["code"] | "error" {
  return (error as Partial<PlazaError> | null)?.code ?? "error";
}
