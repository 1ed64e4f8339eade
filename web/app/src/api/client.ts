import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "./schema";
import { ApiError, type ApiErrorBody } from "./errors";
import { WEB_CLIENT_HEADERS, currentAccessToken, refreshAccessToken } from "../auth/tokens";

// An unsent copy of each request, so a 401 can be retried after a refresh (bodies read once).
const unsent = new WeakMap<Request, Request>();

/** Adds the bearer token; on a 401 refreshes silently through the cookie and retries once. */
const bearer: Middleware = {
  async onRequest({ request }) {
    const token = currentAccessToken();
    if (token) request.headers.set("Authorization", `Bearer ${token}`);
    for (const [name, value] of Object.entries(WEB_CLIENT_HEADERS))
      request.headers.set(name, value);
    unsent.set(request, request.clone());
    return request;
  },
  async onResponse({ request, response }) {
    const copy = unsent.get(request);
    if (response.status !== 401 || !copy || request.url.includes("/api/v1/auth/")) return response;
    const token = await refreshAccessToken();
    if (!token) return response;
    copy.headers.set("Authorization", `Bearer ${token}`);
    return fetch(copy);
  },
};

export const api = createClient<paths>({ baseUrl: "", credentials: "same-origin" });
api.use(bearer);

/** The answer's data, or an {@link ApiError} carrying the API's `{code, detail, fields}`. */
export async function ok<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let result;
  try {
    result = await call;
  } catch {
    throw new ApiError(0, { detail: "Network error" });
  }
  if (result.error !== undefined || !result.response.ok) {
    throw new ApiError(
      result.response.status,
      result.error as Partial<ApiErrorBody> & Record<string, unknown>,
    );
  }
  return result.data as T;
}

export type Schemas = import("./schema").components["schemas"];
export type Message = Schemas["MessageOutput"];
export type Conversation = Schemas["ConversationOutput"];
export type ConversationDetail = Schemas["ConversationDetailOutput"];
