import { useEffect, useRef, useState } from "react";
import type { RefObject } from "react";
import { useTranslation } from "react-i18next";

/** Whether the browser plays HLS by itself (Safari, iOS). Elsewhere hls.js plays it through Media
 * Source Extensions; it is loaded only then, so the first screen never carries it. */
export function playsHlsNatively(video: HTMLVideoElement): boolean {
  return !("MediaSource" in window) && video.canPlayType("application/vnd.apple.mpegurl") !== "";
}

function isHls(url: string): boolean {
  return /\.m3u8(\?|$)/.test(url);
}

/** The show's video: a live HLS stream or the replay's MP4. Muted until the viewer unmutes
 * (browsers refuse to start sound on their own); `startAt` seeks a replay (`?t=`). */
export function Player({
  src,
  title,
  startAt,
  videoRef,
}: {
  src: string;
  title: string;
  startAt?: number;
  videoRef: RefObject<HTMLVideoElement>;
}) {
  const { t } = useTranslation();
  const [failed, setFailed] = useState(false);
  const [muted, setMuted] = useState(true);
  const seeked = useRef(false);

  useEffect(() => {
    const video = videoRef.current;
    if (!video || !src) return;
    setFailed(false);
    seeked.current = false;
    let destroy = () => {};
    let cancelled = false;
    if (!isHls(src) || playsHlsNatively(video)) {
      video.src = src;
      void video.play().catch(() => undefined);
    } else {
      void import("hls.js").then(({ default: Hls }) => {
        if (cancelled) return;
        if (!Hls.isSupported()) {
          setFailed(true);
          return;
        }
        // Low latency: stay about two 1-second fragments behind the live edge. The media server
        // lists the playlist only once the first fragment is cut (about a second after the show
        // goes live), so a 404 for it is retried too, for up to ~10 s.
        const hls = new Hls({
          enableWorker: false,
          liveSyncDurationCount: 2,
          manifestLoadPolicy: {
            default: {
              maxTimeToFirstByteMs: 10_000,
              maxLoadTimeMs: 20_000,
              timeoutRetry: { maxNumRetry: 2, retryDelayMs: 0, maxRetryDelayMs: 0 },
              errorRetry: {
                maxNumRetry: 12,
                retryDelayMs: 500,
                maxRetryDelayMs: 1000,
                shouldRetry: (config, count) => count < (config?.maxNumRetry ?? 0),
              },
            },
          },
        });
        hls.on(Hls.Events.ERROR, (_event, data) => {
          if (!data.fatal) return;
          if (data.type === Hls.ErrorTypes.NETWORK_ERROR) hls.startLoad();
          else if (data.type === Hls.ErrorTypes.MEDIA_ERROR) hls.recoverMediaError();
          else setFailed(true);
        });
        hls.loadSource(src);
        hls.attachMedia(video);
        hls.on(Hls.Events.MANIFEST_PARSED, () => void video.play().catch(() => undefined));
        destroy = () => hls.destroy();
      });
    }
    return () => {
      cancelled = true;
      destroy();
      video.removeAttribute("src");
    };
  }, [src, videoRef]);

  function seekOnce() {
    const video = videoRef.current;
    if (video && startAt !== undefined && !seeked.current) {
      seeked.current = true;
      video.currentTime = startAt;
    }
  }

  return (
    <div className="live-player">
      <video
        ref={videoRef}
        aria-label={title}
        playsInline
        autoPlay
        muted={muted}
        controls
        onLoadedMetadata={seekOnce}
        onError={() => setFailed(true)}
      />
      {failed && (
        <p role="alert" className="live-player-error">
          {t("live.playbackFailed")}
        </p>
      )}
      {muted && (
        <button type="button" className="live-unmute" onClick={() => setMuted(false)}>
          {t("live.unmute")}
        </button>
      )}
    </div>
  );
}
