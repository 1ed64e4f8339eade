"""Build the Corner Coffee bundle: examples/coffee/bundle/ plus the Plaza SDK, zipped.

python examples/coffee/build.py coffee.zip [--server http://127.0.0.1:8401]

``--server`` is where the shop's own server (server.py) answers; app.js calls it.
"""

import argparse
import io
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SDK = HERE.parent.parent / "miniprograms" / "static" / "plaza-sdk.js"
DEFAULT_SERVER = "http://127.0.0.1:8401"


def build_bundle(server_url: str = DEFAULT_SERVER) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted((HERE / "bundle").rglob("*")):
            if not path.is_file():
                continue
            name = path.relative_to(HERE / "bundle").as_posix()
            if name == "app.js":
                source = path.read_text().replace(f'"{DEFAULT_SERVER}"', f'"{server_url}"')
                archive.writestr(name, source)
            else:
                archive.write(path, name)
        archive.write(SDK, "plaza-sdk.js")
    return buffer.getvalue()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", nargs="?", default="coffee.zip")
    parser.add_argument("--server", default=DEFAULT_SERVER, help="the shop server's URL")
    arguments = parser.parse_args()
    target = Path(arguments.target)
    target.write_bytes(build_bundle(arguments.server.rstrip("/")))
    print(f"bundle={target} bytes={target.stat().st_size}")
