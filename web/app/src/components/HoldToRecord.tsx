import { useEffect, useRef, useState } from "react";
import type { KeyboardEvent, PointerEvent } from "react";
import { useTranslation } from "react-i18next";
import { formatDuration } from "../i18n/format";
import { MicrophoneIcon } from "./Icons";
import { useToast } from "./Toast";

// MEDIA_VOICE_MAX_SECONDS on the server: recording stops there.
const MAX_MS = 300_000;
// A press shorter than this is a tap, not a voice note.
const MIN_MS = 700;
// What the browser can record, best first: Chromium and Firefox write Opus (WebM or Ogg),
// Safari AAC in MP4. The server takes all three.
const TYPES = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/mp4"];

interface Recording {
  recorder: MediaRecorder;
  stream: MediaStream;
  chunks: Blob[];
  started: number;
}

/**
 * "Hold to talk": press (pointer, or Space/Enter held on the focused button) to record from the
 * microphone, release to send. A release before MIN_MS discards the recording and says how.
 */
export function HoldToRecord({ onRecorded }: { onRecorded(file: File): void }) {
  const { t } = useTranslation();
  const notify = useToast();
  const held = useRef(false);
  const recording = useRef<Recording | null>(null);
  const [elapsed, setElapsed] = useState<number | null>(null);

  useEffect(() => {
    if (elapsed === null) return;
    const timer = window.setInterval(() => {
      const current = recording.current;
      if (!current) return;
      const ms = Date.now() - current.started;
      setElapsed(ms);
      if (ms >= MAX_MS) release();
    }, 250);
    return () => window.clearInterval(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- release reads refs only
  }, [elapsed === null]);

  useEffect(() => () => stopTracks(recording.current), []);

  async function press() {
    if (held.current) return;
    held.current = true;
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch {
      held.current = false;
      notify(t("chatMedia.microphoneDenied"));
      return;
    }
    if (!held.current) {
      // Released while the browser was still asking for the microphone.
      stream.getTracks().forEach((track) => track.stop());
      return;
    }
    const mimeType = TYPES.find((type) => MediaRecorder.isTypeSupported(type));
    const recorder = new MediaRecorder(stream, mimeType ? { mimeType } : undefined);
    const current: Recording = { recorder, stream, chunks: [], started: Date.now() };
    recorder.ondataavailable = (event) => {
      if (event.data.size > 0) current.chunks.push(event.data);
    };
    recorder.onstop = () => {
      stopTracks(current);
      const length = Date.now() - current.started;
      if (length < MIN_MS) {
        notify(t("chatMedia.holdLonger"));
        return;
      }
      const type = recorder.mimeType || mimeType || "audio/webm";
      const blob = new Blob(current.chunks, { type });
      onRecorded(new File([blob], `voice.${extension(type)}`, { type }));
    };
    recording.current = current;
    recorder.start();
    setElapsed(0);
  }

  function release() {
    held.current = false;
    const current = recording.current;
    recording.current = null;
    setElapsed(null);
    if (current && current.recorder.state !== "inactive") current.recorder.stop();
  }

  function onPointerDown(event: PointerEvent<HTMLButtonElement>) {
    event.preventDefault();
    event.currentTarget.setPointerCapture(event.pointerId);
    void press();
  }
  function onKeyDown(event: KeyboardEvent) {
    if ((event.key === " " || event.key === "Enter") && !event.repeat) {
      event.preventDefault();
      void press();
    }
  }
  function onKeyUp(event: KeyboardEvent) {
    if (event.key === " " || event.key === "Enter") {
      event.preventDefault();
      release();
    }
  }

  const recordingNow = elapsed !== null;
  return (
    <>
      <button
        type="button"
        className={`icon-button record${recordingNow ? " recording" : ""}`}
        aria-label={t("chatMedia.holdToRecord")}
        aria-pressed={recordingNow}
        onPointerDown={onPointerDown}
        onPointerUp={release}
        onPointerCancel={release}
        onKeyDown={onKeyDown}
        onKeyUp={onKeyUp}
        onContextMenu={(event) => event.preventDefault()}
      >
        <MicrophoneIcon />
      </button>
      {recordingNow && (
        <span role="status" className="recording-status">
          {t("chatMedia.recording", { length: formatDuration(Math.floor(elapsed / 1000) * 1000) })}
        </span>
      )}
    </>
  );
}

function stopTracks(recording: Recording | null) {
  recording?.stream.getTracks().forEach((track) => track.stop());
}

function extension(type: string): string {
  if (type.startsWith("audio/ogg")) return "ogg";
  if (type.startsWith("audio/mp4")) return "m4a";
  return "webm";
}
