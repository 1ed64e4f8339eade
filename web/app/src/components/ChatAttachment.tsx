import { useTranslation } from "react-i18next";
import { formatDuration, formatFileSize } from "../i18n/format";
import { DocumentIcon, MicrophoneIcon } from "./Icons";
import { useMedia } from "./Photo";

/** What a chat message's payload says about its upload (messaging adds it when sending). */
export interface AttachmentPayload {
  media: number;
  name?: string;
  size?: number;
  duration_ms?: number | null;
}

/** The upload a message's payload refers to, or null (an erased or URL-only message). */
export function attachmentOf(payload: Record<string, unknown>): AttachmentPayload | null {
  if (typeof payload.media !== "number") return null;
  const number = (value: unknown) => (typeof value === "number" ? value : undefined);
  return {
    media: payload.media,
    name: typeof payload.name === "string" ? payload.name : undefined,
    size: number(payload.size),
    duration_ms: number(payload.duration_ms),
  };
}

/** A voice note: its length, and the player once the signed address is known. */
export function VoiceNote({ payload, from }: { payload: AttachmentPayload; from: string }) {
  const { t } = useTranslation();
  const media = useMedia(payload.media);
  const length = formatDuration(payload.duration_ms ?? media.data?.duration_ms ?? 0);
  const label = t("chatMedia.voiceFrom", { name: from, length });
  return (
    <div className="voice-note" role="group" aria-label={label}>
      <span aria-hidden="true">
        <MicrophoneIcon /> {length}
      </span>
      {media.data?.url && (
        <audio controls preload="metadata" src={media.data.url} aria-label={label} />
      )}
    </div>
  );
}

/** A video: the poster first, played in place. */
export function ChatVideo({ payload, from }: { payload: AttachmentPayload; from: string }) {
  const { t } = useTranslation();
  const media = useMedia(payload.media);
  const label = t("chatMedia.videoFrom", {
    name: from,
    length: formatDuration(payload.duration_ms ?? media.data?.duration_ms ?? 0),
  });
  if (!media.data?.url) return <span className="photo placeholder" role="img" aria-label={label} />;
  return (
    <video
      className="chat-video"
      controls
      playsInline
      preload="metadata"
      poster={media.data.poster_url ?? undefined}
      src={media.data.url}
      aria-label={label}
    />
  );
}

/** A file: its name and size, downloaded as an attachment (Plaza serves it so, with the cleaned
 * name the server stored). */
export function ChatFile({ payload }: { payload: AttachmentPayload }) {
  const { t, i18n } = useTranslation();
  const media = useMedia(payload.media);
  const name = payload.name || media.data?.name || t("chatMedia.file");
  const size = formatFileSize(payload.size ?? media.data?.size ?? 0, i18n.language);
  return (
    <div className="chat-file">
      <DocumentIcon />
      <span className="row-main">
        <strong>{name}</strong>
        <span className="muted small">{size}</span>
      </span>
      {media.data?.url && (
        <a href={media.data.url} download={name} aria-label={t("chatMedia.download", { name })}>
          {t("chatMedia.downloadShort")}
        </a>
      )}
    </div>
  );
}
