"""Tesseract's line images handed on uncompressed (pipeline/line_images.py): the entry is found
and rewritten, only when it holds what it should, and the reading does not change.

Each case runs in a fresh interpreter, so the library of this test process is not what is
tested (and is left as the test run found it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pipeline.line_images import AS_IS

ROOT = Path(__file__).resolve().parent.parent
SCAN = ROOT / "samples" / "school_huaisai_2567" / "source" / "minutes-scan.pdf"

tesserocr = pytest.importorskip("tesserocr")

#: Imports tesserocr, runs ``BODY``, prints ``RESULT`` as JSON. ``slot()`` is what libtesseract's
#: pixWriteMem entry holds, and ``leptonica(name)`` a Leptonica function's address.
_PRELUDE = """
import ctypes, json, os, sys
sys.path.insert(0, {root!r})
import tesserocr
from pathlib import Path
from pipeline import line_images as li

maps = li._mappings()
tesseract = li._loaded(maps, r"libtesseract\\.so")
lept = ctypes.CDLL(li._loaded(maps, r"lib(lept|leptonica)\\.so"), mode=os.RTLD_NOLOAD)
library = Path(tesseract).read_bytes()
base = li._load_base(tesseract, li._first_segment(library), maps)

def leptonica(name):
    return ctypes.cast(getattr(lept, name), ctypes.c_void_p).value

def slot(symbol="pixWriteMem"):
    return ctypes.c_void_p.from_address(base + li._relocations(library, symbol)[0]).value
"""


def _run(body: str, env: dict[str, str] | None = None) -> dict:
    script = _PRELUDE.format(root=str(ROOT)) + textwrap.dedent(body) + "\nprint(json.dumps(RESULT))"
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_entry_is_rewritten_once_and_only_there():
    result = _run(
        """
        entry = base + li._relocations(library, "pixWriteMem")[0]
        def protection():
            return [m.perms for m in li._mappings() if m.start <= entry < m.end]
        before, protected = (slot(), slot("pixReadMem")), protection()
        first = li.keep_line_images_uncompressed()
        again = li._patch()  # as a forked worker would find it: already done
        RESULT = {
            "before": before[0] == leptonica("pixWriteMem"),
            "outcomes": [first, again],
            "after": slot() == leptonica("pixWriteMemSpix"),
            "untouched": slot("pixReadMem") == before[1] == leptonica("pixReadMem"),
            "protection": [protected, protection()],
        }
        """
    )
    assert result["before"]
    assert result["outcomes"] == [None, None]
    assert result["after"]
    assert result["untouched"]
    # the page is as the dynamic linker left it: read-only after filling it (RELRO) here
    protected, after = result["protection"]
    assert after == protected and len(after) == 1


def test_an_entry_holding_anything_else_is_left_alone():
    """Where the relocation found does not hold Leptonica's pixWriteMem (another library file
    than the one loaded, say), nothing is written."""
    result = _run(
        """
        read_mem = li._relocations(library, "pixReadMem")
        li._relocations = lambda data, symbol: read_mem  # pixReadMem's entry, not pixWriteMem's
        reason = li.keep_line_images_uncompressed()
        RESULT = {"reason": reason, "kept": slot("pixReadMem") == leptonica("pixReadMem")}
        """
    )
    assert "does not hold Leptonica's pixWriteMem" in result["reason"]
    assert result["kept"]


def test_a_leptonica_that_cannot_read_back_its_copy_is_left_alone():
    """Every line Tesseract reads goes through Leptonica's reader: the round trip is tried on a
    small grey image first, and the library left as it is if it fails."""
    result = _run(
        """
        reads_back = li._reads_back(lept)
        li._reads_back = lambda lept: False
        RESULT = {"reads_back": reads_back, "reason": li.keep_line_images_uncompressed(),
                  "kept": slot() == leptonica("pixWriteMem")}
        """
    )
    assert result["reads_back"]
    assert "does not read back" in result["reason"]
    assert result["kept"]


def test_it_can_be_switched_off_and_needs_the_library_loaded():
    result = _run(
        """
        RESULT = {"reason": li.keep_line_images_uncompressed(),
                  "kept": slot() == leptonica("pixWriteMem")}
        """,
        env={AS_IS: "1"},
    )
    assert result == {"reason": f"{AS_IS} is set", "kept": True}
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import sys; sys.path.insert(0, {str(ROOT)!r}); from pipeline import line_images; "
            "print(line_images.keep_line_images_uncompressed())",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "not loaded" in done.stdout


@pytest.mark.ocr
def test_a_page_reads_the_same_with_the_line_images_uncompressed():
    """A sample scan's page through the whole OCR stage (page read, line and word re-reads):
    the same TSV, byte for byte, with the library as it is and with the line images kept
    uncompressed. (``samples/freeze_ocr.py`` gives every sample's frozen OCR unchanged too.)"""
    body = f"""
        import pypdfium2
        from pipeline.config import OcrConfig
        from pipeline.ocr import TesseractEngine
        page = pypdfium2.PdfDocument({str(SCAN)!r})[0]
        image = page.render(scale=300 / 72, grayscale=True).to_pil()
        tsv = TesseractEngine(OcrConfig(engine="api")).page_tsv(image, 1)
        RESULT = {{"tsv": tsv, "uncompressed": slot() == leptonica("pixWriteMemSpix")}}
        """
    patched, as_is = _run(body), _run(body, env={AS_IS: "1"})
    assert patched["uncompressed"] and not as_is["uncompressed"]
    assert len(patched["tsv"].splitlines()) > 20
    assert patched["tsv"] == as_is["tsv"]
