import { useState } from "react";
import type { ChangeEvent } from "react";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ok } from "../api/client";
import { imageAddress } from "../api/upload";
import { ImageViewer } from "./ImageViewer";
import type { ViewerImage } from "./ImageViewer";

// Chat and Moments addresses are signed for 15 minutes (MEDIA_SIGNED_URL_SECONDS): ask again
// before they expire.
const ADDRESS_FRESH_MS = 10 * 60 * 1000;

/** An upload by id, with fresh (signed) addresses. */
export function useMedia(mediaId: number) {
  return useQuery({
    queryKey: ["media", mediaId],
    staleTime: ADDRESS_FRESH_MS,
    refetchInterval: ADDRESS_FRESH_MS,
    queryFn: () => ok(api.GET("/api/v1/media/{id}", { params: { path: { id: mediaId } } })),
  });
}

/** An uploaded photo by id (its signed address is fetched), opening the image viewer. */
export function MediaPhoto({ mediaId, alt }: { mediaId: number; alt: string }) {
  const media = useMedia(mediaId);
  if (!media.data?.url) return <span className="photo placeholder" aria-label={alt} role="img" />;
  return <ViewablePhoto thumbnail={imageAddress(media.data)} full={media.data.url} alt={alt} />;
}

/** A thumbnail button; the full image opens in the viewer. */
export function ViewablePhoto({
  thumbnail,
  full,
  alt,
}: {
  thumbnail: string;
  full: string;
  alt: string;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <PhotoButton thumbnail={thumbnail} alt={alt} onOpen={() => setOpen(true)} />
      <ImageViewer
        images={[{ src: full, alt }]}
        index={open ? 0 : null}
        onIndexChange={() => {}}
        onClose={() => setOpen(false)}
      />
    </>
  );
}

/** Several photos (a Moment's) as a grid; the viewer moves between them. */
export function PhotoGallery({ images }: { images: ViewerImage[] }) {
  const [index, setIndex] = useState<number | null>(null);
  return (
    <>
      <ul className="photo-grid">
        {images.map((image, number) => (
          <li key={`${number}-${image.src}`}>
            <PhotoButton thumbnail={image.src} alt={image.alt} onOpen={() => setIndex(number)} />
          </li>
        ))}
      </ul>
      <ImageViewer
        images={images}
        index={index}
        onIndexChange={setIndex}
        onClose={() => setIndex(null)}
      />
    </>
  );
}

function PhotoButton({
  thumbnail,
  alt,
  onOpen,
}: {
  thumbnail: string;
  alt: string;
  onOpen(): void;
}) {
  const { t } = useTranslation();
  return (
    <button
      type="button"
      className="photo-button"
      aria-label={t("media.open", { name: alt })}
      onClick={onOpen}
    >
      <img className="photo" src={thumbnail} alt={alt} loading="lazy" />
    </button>
  );
}

/** The chosen image files of an `<input type="file">`, then clears it so the same file can be
 * picked again. */
export function chosenImages(event: ChangeEvent<HTMLInputElement>): File[] {
  return chosenFiles(event).filter((f) => f.type.startsWith("image/"));
}

/** The chosen files of an `<input type="file">`, then clears it. */
export function chosenFiles(event: ChangeEvent<HTMLInputElement>): File[] {
  const files = [...(event.target.files ?? [])];
  event.target.value = "";
  return files;
}

/** A button that opens the photo picker; `onPick` gets the image chosen. */
export function ChoosePhotoButton({
  label,
  onPick,
  disabled,
  className = "button",
}: {
  label: string;
  onPick(file: File): void;
  disabled?: boolean;
  className?: string;
}) {
  function choose(event: ChangeEvent<HTMLInputElement>) {
    const [file] = chosenImages(event);
    if (file) onPick(file);
  }
  return (
    <label className={className}>
      {label}
      <input
        type="file"
        accept="image/*"
        className="visually-hidden"
        disabled={disabled}
        onChange={choose}
      />
    </label>
  );
}
