"""Plaza's media server, seen from the app: stream keys, stream names, playback and replay
URLs, and the ffmpeg conversion of a recording into the replay.

A host pushes RTMP to ``LIVE_MEDIA_RTMP_URL`` with the stream key ``show-<id>?key=<secret>``:
nginx names the stream ``show-<id>`` (the ``?key=`` argument only reaches the ``on_publish``
callback), so HLS (``/hls/show-<id>.m3u8``) and recordings never carry the secret. Plaza keeps
only the SHA-256 of the secret and compares digests in constant time."""

import hashlib
import hmac
import json
import re
import secrets
import subprocess
from pathlib import Path

from django.conf import settings

STREAM_NAME = re.compile(r"^show-(\d{1,18})$")


def stream_name(show_id: int) -> str:
    return f"show-{show_id}"


def show_id_of(name: str) -> int | None:
    """The show a stream name is for, or None for any other name."""
    match = STREAM_NAME.match(name or "")
    return int(match.group(1)) if match else None


def key_secret_new() -> str:
    return secrets.token_urlsafe(24)


def key_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def key_matches(secret: str, stored_hash: str) -> bool:
    """Constant-time comparison of the pushed secret with the stored digest; no key set
    (empty digest) matches nothing."""
    return bool(stored_hash) and hmac.compare_digest(key_hash(secret or ""), stored_hash)


def stream_key(show_id: int, secret: str) -> str:
    """What the host pastes into OBS's "Stream Key" field."""
    return f"{stream_name(show_id)}?key={secret}"


def hls_url(show_id: int) -> str:
    if not settings.LIVE_MEDIA_PUBLIC_URL:
        return ""
    return f"{settings.LIVE_MEDIA_PUBLIC_URL}/hls/{stream_name(show_id)}.m3u8"


def playback_url(show) -> str:
    """What a viewer plays now: the media server's HLS while a show pushed to Plaza is live,
    otherwise the show's external stream URL (blank when there is none)."""
    if show.status == show.Status.LIVE and show.stream_key_hash and settings.LIVE_MEDIA_PUBLIC_URL:
        return hls_url(show.pk)
    return show.stream_url


# --- Directories of the media server's runtime (shared with the Celery workers) ---------------


def media_dir() -> Path:
    return Path(settings.LIVE_MEDIA_DIR)


def recordings_dir() -> Path:
    return media_dir() / "recordings"


def replays_dir() -> Path:
    return media_dir() / "replays"


def hls_dir() -> Path:
    return media_dir() / "hls"


def recording_of(show_id: int, path: str) -> Path | None:
    """The recording nginx reported for the show, if it really is one of its files in the
    recordings directory (the callback's path is never trusted further than that)."""
    candidate = Path(path or "").resolve()
    inside = candidate.parent == recordings_dir().resolve()
    named = candidate.name.startswith(f"{stream_name(show_id)}-") and candidate.suffix == ".flv"
    return candidate if inside and named and candidate.is_file() else None


# --- ffmpeg ---------------------------------------------------------------------------------------


class ConversionFailed(Exception):
    pass


def probe_duration(source: str) -> float:
    """Seconds of media in ``source`` (a file or URL) according to ffprobe; 0.0 if unknown."""
    result = subprocess.run(
        [settings.LIVE_FFPROBE, "-v", "error", "-print_format", "json", "-show_format", source],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if result.returncode != 0:
        raise ConversionFailed(result.stderr.strip()[-500:])
    return float(json.loads(result.stdout).get("format", {}).get("duration") or 0.0)


def recording_to_replay(recording: Path, show_id: int) -> tuple[str, float]:
    """Remux the FLV recording (H.264/AAC, no re-encoding) into an MP4 with its index first,
    so a browser starts playing and seeks at once. Returns (public URL, duration seconds)."""
    replays_dir().mkdir(parents=True, exist_ok=True)
    name = f"{recording.stem}.mp4"
    target = replays_dir() / name
    partial = replays_dir() / f".{name}.partial.mp4"
    result = subprocess.run(
        [
            settings.LIVE_FFMPEG,
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-i",
            str(recording),
            "-c",
            "copy",
            "-movflags",
            "+faststart",
            str(partial),
        ],
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if result.returncode != 0:
        partial.unlink(missing_ok=True)
        raise ConversionFailed(result.stderr.strip()[-500:])
    duration = probe_duration(str(partial))
    if duration <= 0:
        partial.unlink(missing_ok=True)
        raise ConversionFailed("the recording has no media")
    partial.rename(target)  # atomic: the URL never serves a half-written file
    return f"{settings.LIVE_MEDIA_PUBLIC_URL}/replays/{name}", duration
