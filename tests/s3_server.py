"""A real S3-protocol server for tests and benches: moto's server (``moto[server]`` in
requirements-dev) in its own process on a free local port, stopped at the end. Plaza's code
talks to it over HTTP exactly as it would to MinIO, Ceph RGW, AWS S3 or R2."""

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3
import requests

BIN = Path(sys.executable).parent
ACCESS_KEY = "plaza-test"
SECRET_KEY = "plaza-test-secret"


def public_read_policy(bucket: str) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PublicMediaOnly",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/public/*",
            }
        ],
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class S3Server:
    def __init__(self, bucket: str = "plaza-media"):
        self.port = _free_port()
        self.bucket = bucket
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.storage_url = f"s3+http://{ACCESS_KEY}:{SECRET_KEY}@127.0.0.1:{self.port}/{bucket}"
        self.process: subprocess.Popen | None = None

    def start(self) -> "S3Server":
        self.log = Path(tempfile.mkstemp(prefix="moto-", suffix=".log")[1])
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(self.port)],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 30
        while not self._answers():
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise AssertionError(f"moto_server did not start: {self.log.read_text()}")
            time.sleep(0.1)
        self.client().create_bucket(Bucket=self.bucket)
        return self

    def _answers(self) -> bool:
        try:
            return requests.get(f"{self.endpoint}/moto-api/", timeout=1).status_code < 500
        except requests.ConnectionError:
            return False

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name="us-east-1",
        )

    def allow_public_reads(self) -> None:
        """The bucket policy docs/media.md prescribes: anonymous reads of ``public/*`` only."""
        self.client().put_bucket_policy(
            Bucket=self.bucket, Policy=json.dumps(public_read_policy(self.bucket))
        )

    def object_keys(self) -> list[str]:
        """Every object in the bucket, listed over the S3 protocol."""
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=self.bucket)
        return [item["Key"] for page in pages for item in page.get("Contents", [])]

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.unlink(missing_ok=True)
