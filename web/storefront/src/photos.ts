import { ok, type Schemas, type StorefrontApi } from "./api";

/** What the person picked, kept up to the shop's review photo limit (the rest are dropped). */
export function keepPhotos(
  chosen: File[],
  picked: File[],
  limit: number,
): { photos: File[]; dropped: number } {
  const room = Math.max(0, limit - chosen.length);
  return {
    photos: [...chosen, ...picked.slice(0, room)],
    dropped: Math.max(0, picked.length - room),
  };
}

/** The multipart body of `POST /api/v1/media` for one review photo. */
export function reviewPhotoForm(file: Blob): FormData {
  const form = new FormData();
  form.append("purpose", "review");
  form.append("file", file, file instanceof File ? file.name : "photo");
  return form;
}

/** Upload the photos one after another with the storefront's own token (purpose `review`, the
 * only upload a shop-scoped token may make); the answer is their media ids, in order. */
export async function uploadReviewPhotos(api: StorefrontApi, files: File[]): Promise<number[]> {
  const ids: number[] = [];
  for (const file of files) {
    const media = await ok(
      api.POST("/api/v1/media", {
        // openapi-fetch sends a FormData body as it is (multipart, boundary set by the browser)
        body: reviewPhotoForm(file) as unknown as Schemas["UploadInputRequest"],
      }),
    );
    ids.push(media.id);
  }
  return ids;
}

/** A review's `photos` (a JSON list of addresses in the API's answer): the addresses to show. */
export function photoAddresses(photos: unknown): string[] {
  return Array.isArray(photos)
    ? photos.filter((photo): photo is string => typeof photo === "string" && photo !== "")
    : [];
}

/** A picked file as a data: address, to preview it before it is uploaded. */
export function dataAddress(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as string);
    reader.onerror = () => reject(reader.error ?? new Error("unreadable file"));
    reader.readAsDataURL(file);
  });
}
