"""Media uploads and thumbnails on PostgreSQL + a real S3-protocol server.

    DATABASE_URL=postgres://... .venv/bin/python bench/media.py [--uploads 200] [--side 2000]

Runs in a fresh database next to ``DATABASE_URL``'s (bench/_database.py) and stores in a moto
S3 server started on a free local port (tests/s3_server.py), both removed at the end.

What is measured:
- ``uploads_per_s``: ``POST /api/v1/media`` (multipart, purpose ``chat``) through Django's
  whole request path in this process, one at a time: a phone-sized JPEG (``--side`` px on its
  long side, with GPS EXIF) is sniffed, decoded under the bomb limit, re-encoded without its
  metadata, written to the bucket over HTTP, and its row committed with the quota check.
  The thumbnail task it schedules goes to an in-memory broker that nothing consumes (a Celery
  worker would run it).
- ``thumbnail_p95_ms``: then the thumbnail task body runs once per upload, as a worker would:
  read the image back from the bucket, make the WebP sizes (``MEDIA_THUMBNAIL_SIZES``), write
  them and record them.

Prints ``name=value`` lines.
"""

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "superapp.settings")
os.environ["REDIS_URL"] = ""  # in-memory broker: queued thumbnail tasks are not consumed
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
os.environ["LOG_LEVEL"] = "WARNING"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uploads", type=int, default=200)
    parser.add_argument("--side", type=int, default=2000, help="long side of the photo, px")
    return parser.parse_args()


def photo(side: int, seed: int) -> bytes:
    """A photo-like JPEG with GPS EXIF: soft colour blobs with a little grain (flat colours
    compress unrealistically well, pure noise unrealistically badly)."""
    from PIL import ExifTags, Image, ImageChops

    width, height = side, side * 3 // 4
    channels = [Image.effect_noise((width // 40, height // 40), 90 + seed) for _ in range(3)]
    image = Image.merge("RGB", channels).resize((width, height), Image.Resampling.BICUBIC)
    grain = Image.effect_noise((width, height), 8).convert("RGB")
    image = ImageChops.add(image, grain, scale=1.0, offset=-128)
    exif = Image.Exif()
    exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] = "N"
    output = io.BytesIO()
    image.save(output, format="JPEG", quality=85, exif=exif)
    return output.getvalue()


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


def main():
    args = parse_args()
    from _database import fresh_database

    from tests.s3_server import S3Server

    fresh_database("media_bench")
    s3 = S3Server().start()
    os.environ["MEDIA_STORAGE_URL"] = s3.storage_url
    try:
        run(args, s3)
    finally:
        s3.stop()


def run(args, s3):
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from superapp.media import tasks
    from superapp.media.models import Media
    from tests.factories import UserFactory
    from tests.helpers import consumer_client

    call_command("migrate", verbosity=0)
    from _database import analyze

    analyze()
    client = consumer_client(UserFactory())
    photos = [photo(args.side, seed) for seed in range(8)]
    print(f"# {args.uploads} uploads of a {args.side} px JPEG (~{len(photos[0]) // 1024} KiB)")

    def upload(number: int) -> None:
        file = SimpleUploadedFile("photo.jpg", photos[number % len(photos)], "image/jpeg")
        response = client.post(
            "/api/v1/media", {"file": file, "purpose": "chat"}, format="multipart"
        )
        assert response.status_code == 201, response.content

    upload(0)  # warm-up (imports, first connection to the bucket)
    latencies = []
    started = time.perf_counter()
    for number in range(args.uploads):
        begun = time.perf_counter()
        upload(number)
        latencies.append((time.perf_counter() - begun) * 1000)
    elapsed = time.perf_counter() - started

    thumbnail_ms = []
    for media_id in Media.objects.order_by("id").values_list("id", flat=True):
        begun = time.perf_counter()
        tasks.make_thumbnails(media_id)
        thumbnail_ms.append((time.perf_counter() - begun) * 1000)
    made = Media.objects.exclude(thumbnails={}).count()
    assert made == args.uploads + 1, made

    print(f"uploads={args.uploads}")
    print(f"uploads_per_s={args.uploads / elapsed:.1f}")
    print(f"upload_p50_ms={percentile(latencies, 50):.1f}")
    print(f"upload_p95_ms={percentile(latencies, 95):.1f}")
    print(f"thumbnail_p50_ms={percentile(thumbnail_ms, 50):.1f}")
    print(f"thumbnail_p95_ms={percentile(thumbnail_ms, 95):.1f}")
    print(f"objects_in_bucket={len(s3.object_keys())}")


if __name__ == "__main__":
    main()
