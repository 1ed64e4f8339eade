import { ApiError } from "./errors";
import { api, ok, type Schemas } from "./client";
import { WEB_CLIENT_HEADERS, currentAccessToken, refreshAccessToken } from "../auth/tokens";

export type Media = Schemas["MediaOutput"];
export type MediaPurpose = Schemas["MediaPurposeEnum"];
export type UploadSession = Schemas["UploadSessionOutput"];

/** 0…1 of the bytes sent so far. */
export type Progress = (fraction: number) => void;

/**
 * A direct upload (docs/media.md, "Direct uploads"): `POST /api/v1/media/uploads` announces the
 * file, the answer says where its bytes go, they go there with progress, then `complete_url`
 * checks them. With object storage the answer is a presigned form POST to the bucket, so the
 * bytes never cross a Plaza process; otherwise a PUT of the raw bytes to Plaza.
 */
export async function uploadMedia(
  file: Blob,
  purpose: MediaPurpose,
  onProgress: Progress = () => {},
): Promise<Media> {
  const session = await ok(
    api.POST("/api/v1/media/uploads", {
      body: { purpose, size: file.size, filename: file instanceof File ? file.name : "" },
    }),
  );
  let answer = await send(bytesRequest(session, file, currentAccessToken()), onProgress);
  if (answer.status === 401 && !goesToBucket(session)) {
    const token = await refreshAccessToken();
    if (token) answer = await send(bytesRequest(session, file, token), onProgress);
  }
  if (answer.status < 200 || answer.status >= 300) throw new ApiError(answer.status, answer.body);
  return ok(
    api.POST("/api/v1/media/uploads/{id}/complete", { params: { path: { id: session.id } } }),
  );
}

/** Whether the server said the bytes go straight to object storage (a presigned form). */
export function goesToBucket(session: Pick<UploadSession, "upload">): boolean {
  return session.upload.method === "POST";
}

/** One request that carries the bytes, as the create-upload answer describes it. */
export interface BytesRequest {
  method: "POST" | "PUT";
  url: string;
  headers: Record<string, string>;
  body: Blob | FormData;
}

/**
 * The bucket's presigned form: its fields, then the file last (S3 ignores fields after it), and
 * no Plaza credentials (the signature is the authorisation; the bucket is another origin).
 * Plaza's own content URL: the raw bytes with the bearer token, like every API call.
 */
export function bytesRequest(
  session: Pick<UploadSession, "upload">,
  file: Blob,
  token: string | null,
): BytesRequest {
  const { upload } = session;
  if (goesToBucket(session)) {
    const form = new FormData();
    for (const [name, value] of Object.entries(upload.fields ?? {})) form.append(name, value);
    form.append("file", file, file instanceof File ? file.name : "upload");
    return { method: "POST", url: upload.url, headers: {}, body: form };
  }
  return {
    method: "PUT",
    url: upload.url,
    headers: {
      ...(upload.headers ?? {}),
      ...WEB_CLIENT_HEADERS,
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: file,
  };
}

interface Answer {
  status: number;
  body: Record<string, unknown> | undefined;
}

/** XMLHttpRequest, because fetch cannot report the progress of a request body. */
function send(request: BytesRequest, onProgress: Progress): Promise<Answer> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open(request.method, request.url);
    xhr.responseType = request.method === "PUT" ? "json" : "text";
    for (const [name, value] of Object.entries(request.headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onload = () =>
      resolve({
        status: xhr.status,
        body:
          xhr.responseType === "json"
            ? ((xhr.response as Record<string, unknown> | null) ?? undefined)
            : { detail: `The storage service refused the upload (${xhr.status}).` },
      });
    xhr.onerror = () => resolve({ status: 0, body: { detail: "Network error" } });
    xhr.send(request.body);
  });
}

/** The address to show an image at about `size` px: a ready thumbnail, else the original. */
export function imageAddress(media: Pick<Media, "thumbnails" | "url">, size = "480"): string {
  return media.thumbnails[size] ?? media.url ?? "";
}
