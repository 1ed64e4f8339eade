"""Media uploads and thumbnails on PostgreSQL + a real S3-protocol server + a Celery worker.

    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/media.py \
        [--uploads 200] [--side 2000] [--profile]

Runs in a fresh database next to ``DATABASE_URL``'s (bench/_database.py), stores in a moto S3
server started on a free local port (tests/s3_server.py), and starts a real Celery worker
(``celery -A superapp worker``, one process, on a queue of its own in ``REDIS_URL``'s Redis);
all three are removed at the end.

What is measured:
- ``uploads_per_s``: ``POST /api/v1/media`` (multipart, purpose ``chat``) through Django's
  whole request path in this process, one at a time: a phone-sized JPEG (``--side`` px on its
  long side, with GPS EXIF) is sniffed, decoded under the bomb limit, re-encoded without its
  metadata, written to the bucket over HTTP, and its row committed with the quota check; the
  commit queues the thumbnail task in Redis.
- ``thumbnail_p95_ms``: the thumbnail task as the worker ran it (Celery's own "succeeded in"
  time: read the image back from the bucket, make the WebP sizes, write them, record them),
  while the uploads go on beside it, as they would in production.
- ``thumbnails_done_s``: from the first upload until the worker has made every thumbnail.

``--profile`` prints where an upload's time goes (cProfile of the upload loop).

Prints ``name=value`` lines.
"""

import argparse
import cProfile
import io
import os
import pstats
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "superapp.settings")
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
os.environ["CELERY_QUEUE"] = f"media-bench-{os.getpid()}"  # nobody else's worker takes them
os.environ["LOG_LEVEL"] = "WARNING"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uploads", type=int, default=200)
    parser.add_argument("--side", type=int, default=2000, help="long side of the photo, px")
    parser.add_argument("--profile", action="store_true", help="where an upload's time goes")
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

    if not os.environ.get("REDIS_URL"):
        raise SystemExit("this bench needs REDIS_URL (the Celery worker's broker)")
    fresh_database("media_bench")
    s3 = S3Server().start()
    os.environ["MEDIA_STORAGE_URL"] = s3.storage_url
    try:
        run(args, s3)
    finally:
        s3.stop()


class Worker:
    """``celery -A superapp worker``: one process (the solo pool), on this bench's queue."""

    def __init__(self):
        self.log = Path(tempfile.mkstemp(prefix="media-bench-worker-", suffix=".log")[1])
        self.name = f"{os.environ['CELERY_QUEUE']}@localhost"
        self.process: subprocess.Popen | None = None

    def start(self) -> "Worker":
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [
                    *(str(Path(sys.executable).parent / "celery"), "-A", "superapp", "worker"),
                    *("--pool", "solo", "--loglevel", "INFO", "--hostname", self.name),
                    *("--without-gossip", "--without-mingle", "--without-heartbeat"),
                ],
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 120
        while "ready." not in self.log.read_text():
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise SystemExit(f"the Celery worker did not start:\n{self.log.read_text()}")
            time.sleep(0.2)
        return self

    def task_ms(self) -> list[float]:
        """Celery's own run time of each thumbnail task, from the worker's log."""
        pattern = re.compile(r"media\.make_thumbnails\[[^\]]+\] succeeded in ([0-9.]+)s")
        return [float(seconds) * 1000 for seconds in pattern.findall(self.log.read_text())]

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        self.log.unlink(missing_ok=True)


def run(args, s3):
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

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
    worker = Worker().start()
    try:
        measure(args, upload, worker, s3)
    finally:
        worker.stop()


def measure(args, upload, worker, s3):
    from superapp.media import storage
    from superapp.media.models import Media

    # The web process's requests to the bucket, by method (what each upload costs in round trips).
    requests_sent = Counter()
    storage.media_storage().connection.meta.client.meta.events.register(
        "before-send.s3", lambda request, **_: requests_sent.update([request.method])
    )
    profiler = cProfile.Profile() if args.profile else None
    latencies = []
    started = time.perf_counter()
    for number in range(args.uploads):
        begun = time.perf_counter()
        if profiler:
            profiler.runcall(upload, number)
        else:
            upload(number)
        latencies.append((time.perf_counter() - begun) * 1000)
    elapsed = time.perf_counter() - started

    deadline = time.monotonic() + 60 + args.uploads * 10
    while Media.objects.filter(thumbnails={}).exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"thumbnails not made in time:\n{worker.log.read_text()[-3000:]}")
        time.sleep(0.2)
    done = time.perf_counter() - started
    thumbnail_ms = worker.task_ms()
    assert len(thumbnail_ms) == args.uploads + 1, len(thumbnail_ms)
    if profiler:
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(30)

    print(f"uploads={args.uploads}")
    print(f"uploads_per_s={args.uploads / elapsed:.1f}")
    print(f"upload_p50_ms={percentile(latencies, 50):.1f}")
    print(f"upload_p95_ms={percentile(latencies, 95):.1f}")
    print(f"thumbnail_p50_ms={percentile(thumbnail_ms, 50):.1f}")
    print(f"thumbnail_p95_ms={percentile(thumbnail_ms, 95):.1f}")
    print(f"thumbnails_done_s={done:.1f}")
    per_upload = {method: count / args.uploads for method, count in requests_sent.items()}
    print(f"s3_requests_per_upload={' '.join(f'{m}:{n:g}' for m, n in sorted(per_upload.items()))}")
    print(f"objects_in_bucket={len(s3.object_keys())}")


if __name__ == "__main__":
    main()
