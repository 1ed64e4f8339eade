import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase


def upload(api, data: bytes, name="photo.jpg", purpose="chat", content_type="image/jpeg"):
    """POST /api/v1/media, then run what its commit scheduled (the thumbnail task)."""
    file = SimpleUploadedFile(name, data, content_type=content_type)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return api.post("/api/v1/media", {"file": file, "purpose": purpose}, format="multipart")


def fetch(client, url: str):
    """The answer behind a media address: Plaza's own view, or the S3 server over HTTP."""
    if url.startswith("http://127.0.0.1:8000/media/"):
        return client.get(url.removeprefix("http://127.0.0.1:8000"))
    return requests.get(url, timeout=10)


def body_of(response) -> bytes:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content)
    return response.content


def stored_objects(folder) -> list:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []
