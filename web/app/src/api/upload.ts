import { ApiError } from "./errors";
import type { Schemas } from "./client";
import { WEB_CLIENT_HEADERS, currentAccessToken, refreshAccessToken } from "../auth/tokens";

export type Media = Schemas["MediaOutput"];
export type MediaPurpose = Schemas["MediaPurposeEnum"];

/** 0…1 of the bytes sent so far. */
export type Progress = (fraction: number) => void;

/**
 * `POST /api/v1/media` (multipart) with upload progress: fetch cannot report the progress of a
 * request body, XMLHttpRequest can. The access token goes in the Authorization header (never a
 * URL); a 401 refreshes through the cookie and sends once more, like `api/client.ts`.
 */
export async function uploadMedia(
  file: Blob,
  purpose: MediaPurpose,
  onProgress: Progress = () => {},
): Promise<Media> {
  let answer = await send(file, purpose, onProgress, currentAccessToken());
  if (answer.status === 401) {
    const token = await refreshAccessToken();
    if (token) answer = await send(file, purpose, onProgress, token);
  }
  if (answer.status !== 201) throw new ApiError(answer.status, answer.body);
  return answer.body as unknown as Media;
}

interface Answer {
  status: number;
  body: Record<string, unknown> | undefined;
}

function send(
  file: Blob,
  purpose: MediaPurpose,
  onProgress: Progress,
  token: string | null,
): Promise<Answer> {
  const form = new FormData();
  form.append("purpose", purpose);
  form.append("file", file, file instanceof File ? file.name : "upload");
  return new Promise((resolve) => {
    const request = new XMLHttpRequest();
    request.open("POST", "/api/v1/media");
    request.responseType = "json";
    if (token) request.setRequestHeader("Authorization", `Bearer ${token}`);
    for (const [name, value] of Object.entries(WEB_CLIENT_HEADERS))
      request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onload = () =>
      resolve({
        status: request.status,
        body: (request.response as Record<string, unknown> | null) ?? undefined,
      });
    request.onerror = () => resolve({ status: 0, body: { detail: "Network error" } });
    request.send(form);
  });
}

/** The address to show an image at about `size` px: a ready thumbnail, else the original. */
export function imageAddress(media: Pick<Media, "thumbnails" | "url">, size = "480"): string {
  return media.thumbnails[size] ?? media.url ?? "";
}
