"""Peak memory of one coach photo upload, from the form's validation to the stored sizes.

.venv/bin/python -m bench.photo_memory

Each image is checked in a fresh process: the peak resident size (VmHWM, reset through
/proc/self/clear_refs just before the upload) minus the resident size at that moment is the
memory that one upload made the process hold at its worst.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

IMAGES = {
    # The decompression bomb of issue 24: 39.7 megapixels in 116 KB of PNG.
    "png 6300x6300 (116 KB, one colour)": ("PNG", (6300, 6300)),
    "png 6000x4000 (24 MP, under the limit)": ("PNG", (6000, 4000)),
    "jpeg 4000x3000 (12 MP camera photo)": ("JPEG", (4000, 3000)),
}


def _write(directory: Path) -> dict[str, Path]:
    from PIL import Image

    paths = {}
    for number, (label, (fmt, size)) in enumerate(IMAGES.items()):
        path = directory / f"{number}.{fmt.lower()}"
        Image.new("RGB", size, "#3366aa").save(path, format=fmt)
        paths[label] = path
    return paths


def _child(path: str) -> None:
    from bench.common import setup_django

    setup_django(database=False)
    from django.core.files.uploadedfile import SimpleUploadedFile

    from coaching.practices import photos
    from coaching.practices.forms import PhotoForm

    data = Path(path).read_bytes()
    Path("/proc/self/clear_refs").write_text("5")  # the peak starts again from here
    before = _status_kb("VmRSS")
    started = time.perf_counter()
    upload = SimpleUploadedFile(Path(path).name, data, content_type="image/png")
    form = PhotoForm(files={"photo": upload})
    valid = form.is_valid()
    if valid and not hasattr(form.cleaned_data["photo"], "thumbnail"):
        photos.process_photo(form.cleaned_data["photo"])  # before issue 24 the service did this
    elapsed = time.perf_counter() - started
    after = _status_kb("VmHWM")
    errors = [str(e) for e in form.errors.get("photo", [])]
    print(
        json.dumps(
            {
                "bytes": len(data),
                "accepted": valid,
                "errors": errors,
                "peak_growth_mb": round((after - before) / 1024, 1),
                "ms": round(elapsed * 1000),
            }
        )
    )


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise LookupError(field)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for label, path in _write(Path(folder)).items():
            out = subprocess.run(  # noqa: S603 (our own interpreter and module)
                [sys.executable, "-m", "bench.photo_memory", "--child", str(path)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            result = json.loads(out.strip().splitlines()[-1])
            verdict = "accepted" if result["accepted"] else f"refused: {result['errors'][0]}"
            size = f"{result['bytes'] / 1024:8.0f} KB"
            peak = f"peak +{result['peak_growth_mb']:6.1f} MB"
            print(f"{label:42} {size}  {peak}  {result['ms']:5d} ms  {verdict}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        _child(sys.argv[2])
    else:
        main()
