"""``manage.py media_server``: write the media server's nginx configuration into
``LIVE_MEDIA_DIR`` and run nginx in the foreground (``make run-services`` starts it)."""

import os
import shutil
import subprocess

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from miniprograms.live import media_server


class Command(BaseCommand):
    help = "Generate the nginx-rtmp media server's configuration and run it in the foreground."

    def add_arguments(self, parser):
        parser.add_argument("--rtmp-port", type=int, default=1935)
        parser.add_argument("--http-port", type=int, default=8080)
        parser.add_argument("--listen", default="127.0.0.1", help="address of both servers")
        parser.add_argument(
            "--plaza-url", default="http://127.0.0.1:8000", help="where nginx calls Plaza back"
        )
        parser.add_argument("--hls-fragment", type=int, default=1, help="seconds")
        parser.add_argument("--hls-playlist", type=int, default=4, help="seconds")
        parser.add_argument(
            "--write-only", action="store_true", help="write and check the file, do not run"
        )

    def handle(self, *args, **options):
        if not settings.LIVE_MEDIA_CALLBACK_SECRET:
            raise CommandError("set LIVE_MEDIA_CALLBACK_SECRET (Plaza and nginx share it)")
        if shutil.which("nginx") is None:
            raise CommandError("nginx is not installed (apt-get install nginx libnginx-mod-rtmp)")
        config = media_server.MediaServerConfig(
            directory=settings.LIVE_MEDIA_DIR.resolve(),
            rtmp_port=options["rtmp_port"],
            http_port=options["http_port"],
            listen=options["listen"],
            plaza_url=options["plaza_url"],
            callback_secret=settings.LIVE_MEDIA_CALLBACK_SECRET,
            hls_fragment_seconds=options["hls_fragment"],
            hls_playlist_seconds=options["hls_playlist"],
        )
        path = media_server.write(config)
        self.stdout.write(f"media server configuration written to {path}")
        check = subprocess.run(
            media_server.nginx_command(config, test=True), capture_output=True, text=True
        )
        if check.returncode != 0:
            raise CommandError(f"nginx refused the configuration:\n{check.stderr}")
        host = options["listen"]
        self.stdout.write(
            f"RTMP ingest rtmp://{host}:{config.rtmp_port}/live "
            f"(stream key: show-<id>?key=<secret>, from POST .../stream-key)\n"
            f"HLS http://{host}:{config.http_port}/hls/show-<id>.m3u8, "
            f"replays http://{host}:{config.http_port}/replays/\n"
            f"callbacks to {options['plaza_url']}{media_server.CALLBACK_PATH}/<event>"
        )
        if options["write_only"]:
            return
        self.stdout.write("==> nginx running in the foreground (Ctrl-C stops it)")
        self.stdout.flush()
        command = media_server.nginx_command(config)
        os.execvp(command[0], command)  # nginx replaces this process: signals reach it directly
