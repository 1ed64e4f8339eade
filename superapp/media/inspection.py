"""What an uploaded file really is, and the safe bytes Plaza stores for it.

The type comes from the bytes (``filetype``'s signatures, then the decoder that must accept
them), never from the name or the request's Content-Type. Images are decoded by Pillow after a
check of the pixel count the header claims (a decompression bomb is refused before decoding)
and re-encoded without their metadata, so EXIF and GPS never leave the phone. Voice notes and
videos are probed with ffprobe, limited in duration, and remuxed by ffmpeg without their
metadata (phones write the place a video was shot into it); a video's first frame becomes its
poster. Anything else is a plain file, stored as it came and only ever served as an attachment.
Every refusal is a :class:`MediaRefused` with a stable code.
"""

import io
import json
import subprocess
import tempfile
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import Path

import filetype
from django.conf import settings
from PIL import Image, ImageOps

from superapp.core.errors import DomainError
from superapp.media.errors import MEDIA_REFUSED

# Sniffed image types Plaza accepts, and the extension/format each is re-encoded to.
IMAGE_FORMATS = {
    "image/jpeg": ("jpg", "JPEG"),
    "image/png": ("png", "PNG"),
    "image/webp": ("webp", "WEBP"),
    "image/gif": ("gif", "GIF"),
}
# Sniffed containers that may hold a voice note or a video (ffprobe has the last word). WebM is
# what browsers' MediaRecorder writes (Chromium: Opus in WebM); only its audio is accepted, as a
# voice note remuxed into Ogg.
AV_TYPES = {
    *("audio/ogg", "audio/x-m4a", "audio/mp4", "audio/aac", "video/mp4", "video/quicktime"),
    *("video/webm", "audio/webm"),
}
VOICE_CODECS = {"opus", "aac"}
VIDEO_CODECS = {"h264", "hevc", "av1", "vp9"}


class MediaRefused(DomainError):
    status = 400
    code = MEDIA_REFUSED
    default_detail = "This file cannot be accepted."


def refused(code: str, detail: str, status: int = 400) -> MediaRefused:
    error = MediaRefused(detail, code=code)
    error.status = status
    return error


@dataclass
class Inspected:
    kind: str  # image / voice / video / file
    content_type: str
    extension: str
    data: bytes  # what is stored: re-encoded, remuxed, or (files) as uploaded
    width: int | None = None
    height: int | None = None
    duration_ms: int | None = None
    poster: bytes | None = None  # a video's first frame, WebP


def inspect(data: bytes, *, allowed_kinds: set[str]) -> Inspected:
    """The safe form of ``data``, or :class:`MediaRefused`."""
    if not data:
        raise refused("empty_file", "The file is empty.")
    sniffed = filetype.guess_mime(data)
    if sniffed in IMAGE_FORMATS:
        kind = "image"
    elif sniffed in AV_TYPES:
        kind = "av"
    else:
        kind = "file"
    if kind == "av" and not allowed_kinds & {"voice", "video"}:
        kind = "file"
    if kind != "av" and kind not in allowed_kinds:
        raise refused(
            "unsupported_media_type",
            "This kind of file is not accepted here "
            f"(allowed: {', '.join(sorted(allowed_kinds))}).",
            status=415,
        )
    _check_size(data, "image" if kind == "image" else "video" if kind == "av" else kind)
    if kind == "image":
        return _image(data, sniffed)
    if kind == "av":
        return _audio_or_video(data, allowed_kinds)
    return Inspected(
        kind="file", content_type="application/octet-stream", extension="bin", data=data
    )


def _check_size(data: bytes, kind: str) -> None:
    limit = settings.MEDIA_MAX_BYTES[kind]
    if len(data) > limit:
        raise refused("file_too_large", f"A {kind} may be at most {limit} bytes.", status=413)


# --- Images ------------------------------------------------------------------------------------


def _open_image(data: bytes) -> Image.Image:
    """Pillow's image after the header is read and the claimed size checked, before any pixel
    is decoded."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise refused("image_too_large", "The image has too many pixels.") from None
    except (OSError, SyntaxError, ValueError):
        raise refused("corrupt_file", "The image cannot be read.") from None
    width, height = image.size
    if width * height > settings.MEDIA_IMAGE_MAX_PIXELS:
        raise refused("image_too_large", "The image has too many pixels.")
    if max(width, height) > settings.MEDIA_IMAGE_MAX_SIDE:
        raise refused(
            "image_too_large", f"An image side may be at most {settings.MEDIA_IMAGE_MAX_SIDE} px."
        )
    return image


def _image(data: bytes, sniffed: str) -> Inspected:
    extension, image_format = IMAGE_FORMATS[sniffed]
    image = _open_image(data)
    try:
        frames = getattr(image, "n_frames", 1)
        if frames > 1 and image_format in ("GIF", "WEBP"):
            image.load()
            output = _reencoded_animation(image, image_format)
        else:
            image.load()
            image = ImageOps.exif_transpose(image)  # keep the orientation the EXIF gave
            output = _reencoded(image, image_format)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise refused("corrupt_file", "The image cannot be decoded.") from None
    width, height = image.size
    _check_size(output, "image")
    return Inspected(
        kind="image",
        content_type=sniffed,
        extension=extension,
        data=output,
        width=width,
        height=height,
    )


def _reencoded(image: Image.Image, image_format: str) -> bytes:
    """The pixels alone, in the same format: no EXIF, GPS, XMP, ICC comments or trailers."""
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    if image_format in ("PNG", "WEBP", "GIF") and image.mode not in ("RGB", "RGBA", "L", "P"):
        image = image.convert("RGBA")
    output = io.BytesIO()
    # No optimize=True: its second Huffman pass doubled the JPEG encode (bench/media.py) for
    # about 5 % fewer bytes.
    options = {"JPEG": {"quality": 88}, "WEBP": {"quality": 88}}
    image.info.clear()
    image.save(output, format=image_format, **options.get(image_format, {}))
    return output.getvalue()


def _reencoded_animation(image: Image.Image, image_format: str) -> bytes:
    output = io.BytesIO()
    durations = image.info.get("duration", 100)
    loop = image.info.get("loop", 0)
    image.info.clear()
    image.save(output, format=image_format, save_all=True, duration=durations, loop=loop)
    return output.getvalue()


def thumbnails(data: bytes, sizes: list[int]) -> dict[int, bytes]:
    """WebPs at most ``size`` px on their longest side, for each of ``sizes`` (stored images
    only: already checked). A JPEG is decoded at the smallest scale that still covers the
    largest size, and each size is made from the one above it."""
    image = Image.open(io.BytesIO(data))
    largest = max(sizes)
    image.draft("RGB", (largest, largest))
    image.seek(0)
    image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
    made = {}
    for size in sorted(sizes, reverse=True):
        image.thumbnail((size, size), Image.Resampling.LANCZOS, reducing_gap=3.0)
        output = io.BytesIO()
        image.save(output, format="WEBP", quality=80, method=2)
        made[size] = output.getvalue()
    return made


# --- Voice notes and videos --------------------------------------------------------------------


def _run(arguments: list[str]) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(
            arguments,
            capture_output=True,
            timeout=settings.MEDIA_FFMPEG_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise refused("corrupt_file", "The file took too long to read.") from None


def probe(path: Path) -> dict:
    result = _run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", path]
    )
    if result.returncode != 0:
        raise refused("corrupt_file", "The recording cannot be read.")
    return json.loads(result.stdout or b"{}")


def _audio_or_video(data: bytes, allowed_kinds: set[str]) -> Inspected:
    with tempfile.TemporaryDirectory(prefix="plaza-media-") as folder:
        source = Path(folder) / "source"
        source.write_bytes(data)
        info = probe(source)
        streams = info.get("streams", [])
        video = [s for s in streams if s.get("codec_type") == "video"]
        audio = [s for s in streams if s.get("codec_type") == "audio"]
        format_names = set(info.get("format", {}).get("format_name", "").split(","))
        if video and "video" in allowed_kinds:
            if video[0].get("codec_name") not in VIDEO_CODECS or "mp4" not in format_names:
                raise refused(
                    "unsupported_codec", "Videos must be MP4 (H.264/H.265/AV1/VP9).", status=415
                )
            kind, extension, content_type, muxer = "video", "mp4", "video/mp4", "mp4"
        elif audio and not video and "voice" in allowed_kinds:
            kind, extension, content_type, muxer = _voice_container(audio[0], format_names)
        else:
            raise refused(
                "unsupported_media_type", "This recording is not accepted here.", status=415
            )
        _check_size(data, kind)
        duration = float(info.get("format", {}).get("duration") or 0)
        clean = Path(folder) / f"clean.{extension}"
        remuxed = None
        if duration <= 0 and kind == "voice":
            # A recording written as a stream (MediaRecorder's WebM) has no duration in its
            # header: the remuxed Ogg's last page tells it.
            remuxed = _without_metadata(source, clean, muxer)
            duration = float(probe(clean).get("format", {}).get("duration") or 0)
        if duration <= 0:
            raise refused("corrupt_file", "The recording has no duration.")
        if duration > settings.MEDIA_MAX_SECONDS[kind]:
            raise refused(
                "duration_too_long",
                f"A {kind} may last at most {settings.MEDIA_MAX_SECONDS[kind]} seconds.",
            )
        if remuxed is None:
            remuxed = _without_metadata(source, clean, muxer)
        inspected = Inspected(
            kind=kind,
            content_type=content_type,
            extension=extension,
            data=remuxed,
            duration_ms=round(duration * 1000),
        )
        if kind == "video":
            inspected.width = int(video[0].get("width") or 0) or None
            inspected.height = int(video[0].get("height") or 0) or None
            inspected.poster = _poster(source)
        return inspected


def _voice_container(stream: dict, format_names: set[str]) -> tuple[str, str, str, str]:
    codec = stream.get("codec_name")
    if codec not in VOICE_CODECS:
        raise refused("unsupported_codec", "Voice notes must be Opus or AAC.", status=415)
    if format_names & {"ogg", "webm", "matroska"}:
        if codec != "opus":
            raise refused("unsupported_codec", "Voice notes in Ogg or WebM must be Opus.", 415)
        return "voice", "ogg", "audio/ogg", "ogg"
    if "mp4" in format_names:
        return "voice", "m4a", "audio/mp4", "ipod"
    return "voice", "aac", "audio/aac", "adts"


def _without_metadata(source: Path, target: Path, muxer: str) -> bytes:
    """The same streams, copied (not re-encoded), with every metadata tag dropped."""
    arguments = ["ffmpeg", "-v", "error", "-i", source, "-map", "0:a?", "-map", "0:v?"]
    arguments += ["-map_metadata", "-1", "-map_chapters", "-1", "-c", "copy"]
    if muxer in ("mp4", "ipod"):
        arguments += ["-movflags", "+faststart"]
    result = _run([*arguments, "-f", muxer, "-y", target])
    if result.returncode != 0:
        raise refused("corrupt_file", "The recording cannot be read.")
    return target.read_bytes()


def _poster(source: Path) -> bytes | None:
    result = _run(
        [
            *("ffmpeg", "-v", "error", "-i", source),
            *("-frames:v", "1", "-f", "image2pipe", "-c:v", "png", "-"),
        ]
    )
    if result.returncode != 0 or not result.stdout:
        return None
    image = Image.open(io.BytesIO(result.stdout))
    output = io.BytesIO()
    image.convert("RGB").save(output, format="WEBP", quality=80)
    return output.getvalue()


def safe_filename(name: str) -> str:
    """A name to show and to download under: no path, no control characters, 100 chars."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip(" .")
    if len(name) > 100:
        stem, dot, extension = name.rpartition(".")
        name = (stem[: 99 - len(extension)] + dot + extension) if dot else name[:100]
    return name or "file"
