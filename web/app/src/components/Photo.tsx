import { useState } from "react";
import type { ChangeEvent } from "react";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ok } from "../api/client";
import { imageAddress } from "../api/upload";
import { Sheet } from "./Sheet";

// Chat and Moments addresses are signed for 15 minutes (MEDIA_SIGNED_URL_SECONDS): ask again
// before they expire.
const ADDRESS_FRESH_MS = 10 * 60 * 1000;

/** An uploaded photo by id (its signed address is fetched), opening the image viewer. */
export function MediaPhoto({ mediaId, alt }: { mediaId: number; alt: string }) {
  const media = useQuery({
    queryKey: ["media", mediaId],
    staleTime: ADDRESS_FRESH_MS,
    refetchInterval: ADDRESS_FRESH_MS,
    queryFn: () => ok(api.GET("/api/v1/media/{id}", { params: { path: { id: mediaId } } })),
  });
  if (!media.data?.url) return <span className="photo placeholder" aria-label={alt} role="img" />;
  return <ViewablePhoto thumbnail={imageAddress(media.data)} full={media.data.url} alt={alt} />;
}

/** A thumbnail button; the full image opens in a dialog (focus trapped, Escape closes). */
export function ViewablePhoto({
  thumbnail,
  full,
  alt,
}: {
  thumbnail: string;
  full: string;
  alt: string;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className="photo-button"
        aria-label={t("media.open", { name: alt })}
        onClick={() => setOpen(true)}
      >
        <img className="photo" src={thumbnail} alt={alt} loading="lazy" />
      </button>
      <Sheet open={open} onOpenChange={setOpen} title={t("media.viewer")}>
        <img className="viewer-image" src={full} alt={alt} />
      </Sheet>
    </>
  );
}

/** The chosen image files of an `<input type="file">`, then clears it so the same file can be
 * picked again. */
export function chosenImages(event: ChangeEvent<HTMLInputElement>): File[] {
  const files = [...(event.target.files ?? [])].filter((f) => f.type.startsWith("image/"));
  event.target.value = "";
  return files;
}
