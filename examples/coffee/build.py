"""Build the Corner Coffee bundle: examples/coffee/bundle/ plus the Plaza SDK, zipped.

python examples/coffee/build.py coffee.zip
"""

import io
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SDK = HERE.parent.parent / "miniprograms" / "static" / "plaza-sdk.js"


def build_bundle() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted((HERE / "bundle").rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(HERE / "bundle").as_posix())
        archive.write(SDK, "plaza-sdk.js")
    return buffer.getvalue()


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "coffee.zip")
    target.write_bytes(build_bundle())
    print(f"bundle={target} bytes={target.stat().st_size}")
