"""Reading back the PDFs the documents write: their text, as pypdf extracts it, and their look,
as poppler's pdftoppm renders it (the tests that render are skipped where poppler is missing)."""
from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader


def reader(pdf) -> PdfReader:
    if isinstance(pdf, (bytes, bytearray)):
        return PdfReader(io.BytesIO(pdf))
    if hasattr(pdf, "getvalue"):
        return PdfReader(io.BytesIO(pdf.getvalue()))
    return PdfReader(str(pdf))


def pages_text(pdf) -> list[str]:
    return [page.extract_text() for page in reader(pdf).pages]


def flat(text: str) -> str:
    """Text without any whitespace: wrapped lines and cell breaks no longer matter."""
    return "".join(text.replace("\u00a0", " ").split())


def font_names(pdf) -> set[str]:
    names = set()
    for page in reader(pdf).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def needs_pdftoppm():
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")


def render_png(pdf: Path, out_dir: Path, dpi: int = 50) -> Path:
    """Page 1 as PNG, the way a person would look at it."""
    needs_pdftoppm()
    prefix = out_dir / pdf.stem
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-f", "1", "-l", "1", "-singlefile",
                    str(pdf), str(prefix)], check=True, timeout=60)
    return prefix.with_suffix(".png")


def dark_share(pdf: Path, out_dir: Path, dpi: int = 50) -> float:
    """The share of page 1's pixels that are clearly not paper-white (a grey PGM is read in
    plain Python: no imaging library needed)."""
    needs_pdftoppm()
    prefix = out_dir / f"{pdf.stem}-gray"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-f", "1", "-l", "1", "-singlefile",
                    str(pdf), str(prefix)], check=True, timeout=60)
    data = prefix.with_suffix(".pgm").read_bytes()
    magic, width, height, maxval, pixels = _parse_pgm(data)
    assert magic == b"P5" and maxval == 255
    return sum(1 for p in pixels if p < 160) / (width * height)


def _parse_pgm(data: bytes):
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        start = pos
        while not data[pos:pos + 1].isspace():
            pos += 1
        fields.append(data[start:pos])
    pos += 1  # the single whitespace before the pixels
    width, height, maxval = (int(f) for f in fields[1:])
    return fields[0], width, height, maxval, data[pos:pos + width * height]
