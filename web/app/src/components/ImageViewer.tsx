import * as Dialog from "@radix-ui/react-dialog";
import { useRef } from "react";
import type { KeyboardEvent, PointerEvent } from "react";
import { useTranslation } from "react-i18next";

export interface ViewerImage {
  src: string;
  alt: string;
}

// A horizontal drag this long (px) is a swipe to the next or previous photo.
const SWIPE_PX = 50;

/**
 * The full-screen image viewer: a Radix dialog (focus trapped, Escape closes). With several
 * images (a Moment's photos) the arrow keys, the Previous/Next buttons and a swipe move between
 * them.
 */
export function ImageViewer({
  images,
  index,
  onIndexChange,
  onClose,
}: {
  images: ViewerImage[];
  index: number | null;
  onIndexChange(index: number): void;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const swipeStart = useRef<number | null>(null);
  const image = index === null ? undefined : images[index];
  const several = images.length > 1;
  function go(step: number) {
    if (index === null || !several) return;
    onIndexChange((index + step + images.length) % images.length);
  }
  function onKeyDown(event: KeyboardEvent) {
    if (event.key === "ArrowRight") go(1);
    else if (event.key === "ArrowLeft") go(-1);
  }
  function onPointerUp(event: PointerEvent) {
    if (swipeStart.current === null) return;
    const moved = event.clientX - swipeStart.current;
    swipeStart.current = null;
    if (Math.abs(moved) >= SWIPE_PX) go(moved < 0 ? 1 : -1);
  }
  return (
    <Dialog.Root open={image !== undefined} onOpenChange={(open) => open || onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="overlay viewer-overlay" />
        <Dialog.Content className="image-viewer" onKeyDown={onKeyDown}>
          <div className="image-viewer-head">
            <Dialog.Title>{t("media.viewer")}</Dialog.Title>
            {several && index !== null && (
              <span aria-live="polite">
                {t("chatMedia.position", { number: index + 1, count: images.length })}
              </span>
            )}
            <Dialog.Close className="icon-button" aria-label={t("common.close")}>
              ×
            </Dialog.Close>
          </div>
          <Dialog.Description className="visually-hidden">
            {several ? t("chatMedia.viewerHint") : (image?.alt ?? "")}
          </Dialog.Description>
          {image && (
            <img
              className="image-viewer-image"
              src={image.src}
              alt={image.alt}
              draggable={false}
              onPointerDown={(event) => (swipeStart.current = event.clientX)}
              onPointerUp={onPointerUp}
              onPointerCancel={() => (swipeStart.current = null)}
            />
          )}
          {several && (
            <div className="image-viewer-nav">
              <button type="button" onClick={() => go(-1)}>
                {t("chatMedia.previous")}
              </button>
              <button type="button" onClick={() => go(1)}>
                {t("chatMedia.next")}
              </button>
            </div>
          )}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
