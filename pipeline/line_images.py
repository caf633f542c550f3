"""Tesseract's line images handed on uncompressed: the same reading, a fifth less work.

Tesseract 5 recognises a page line by line. Each line's image goes into an ``ImageData``, which
keeps it as a PNG: ``ImageData::SetPixInternal`` compresses it (Leptonica's ``pixWriteMem`` with
``IFF_PNG``) and ``GetPixInternal`` decompresses it straight back (``pixReadMem``), once per line
and per language tried (``tha+eng`` tries both on many lines). Tesseract has a build option that
keeps the image as it is (``TESSERACT_IMAGEDATA_AS_PIX``); Debian's library is built without it.
Under ``perf``, zlib and libpng were 15-17% of a 2-worker run of the scanned seed, nearly all of
it there.

:func:`keep_line_images_uncompressed` makes libtesseract's own calls of ``pixWriteMem`` go to
Leptonica's ``pixWriteMemSpix`` instead: Leptonica's uncompressed serialisation, a copy of the
pixels, which ``pixReadMem`` recognises by its header and reads back. ``pixWriteMemSpix`` takes
the first three arguments of ``pixWriteMem`` (the format, the fourth, is left unread: both
x86-64's and AArch64's calling conventions pass it in a register the callee may ignore). The
pixels are the same, so Tesseract reads the same text: the frozen OCR of every sample scan and
photo is byte for byte what the unchanged library gives (README, *Performance*).

It is done by rewriting one entry of libtesseract's global offset table, the pointer through
which libtesseract calls ``pixWriteMem`` (Linux, 64-bit, the library as the dynamic linker
loaded it). The entry is found from the library file's relocations and rewritten only when it
holds exactly Leptonica's ``pixWriteMem``; anything unexpected leaves the library as it is and
says why. In libtesseract, only ``ImageData`` and ScrollView (the interactive debugging viewer,
never started here) call ``pixWriteMem``. The ``tesseract`` program, pytesseract's path, is not
touched; nor is any other library's use of Leptonica. ``THAIMINUTES_TESSERACT_AS_IS=1`` in the
environment leaves the library alone (to compare, or should a Tesseract ever read otherwise).
"""

from __future__ import annotations

import ctypes
import functools
import mmap
import os
import platform
import re
import struct
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

#: Set to 1 to leave libtesseract as it is.
AS_IS = "THAIMINUTES_TESSERACT_AS_IS"

#: The machines whose calling convention lets a 3-argument function stand in for a 4-argument one.
_MACHINES = {"x86_64": 62, "aarch64": 183}  # ELF e_machine
_PROT = {"r": mmap.PROT_READ, "w": mmap.PROT_WRITE, "x": mmap.PROT_EXEC}

_lock = threading.Lock()


@dataclass(frozen=True)
class _Mapping:
    start: int
    end: int
    perms: str
    offset: int
    path: str


def keep_line_images_uncompressed() -> str | None:
    """Point libtesseract's ``pixWriteMem`` at ``pixWriteMemSpix`` (see the module's docstring),
    once per process, after tesserocr is imported. None when done, or done before (a forked
    worker inherits it); otherwise why the library is left as it is."""
    with _lock:  # two threads must not both unprotect and protect the page again
        return _once()


@functools.cache
def _once() -> str | None:
    try:
        return _patch()
    except Exception as exc:  # never let a speed-up stop a page from being read
        return f"unexpected {type(exc).__name__}: {exc}"


def _patch() -> str | None:
    if os.environ.get(AS_IS, "").strip() not in ("", "0"):
        return f"{AS_IS} is set"
    machine = platform.machine()
    if not sys.platform.startswith("linux") or machine not in _MACHINES:
        return (
            f"only done on 64-bit Linux on {' or '.join(_MACHINES)}, not {sys.platform} {machine}"
        )
    maps = _mappings()
    tesseract = _loaded(maps, r"libtesseract\.so")
    leptonica = _loaded(maps, r"lib(lept|leptonica)\.so")
    if tesseract is None or leptonica is None:
        return "libtesseract or Leptonica is not loaded in this process"
    lept = ctypes.CDLL(leptonica, mode=os.RTLD_NOLOAD)
    write = ctypes.cast(lept.pixWriteMem, ctypes.c_void_p).value
    spix = ctypes.cast(lept.pixWriteMemSpix, ctypes.c_void_p).value
    if not _reads_back(lept):
        return f"{leptonica} does not read back what pixWriteMemSpix writes"
    library = Path(tesseract).read_bytes()
    _check_elf(library)
    base = _load_base(tesseract, _first_segment(library), maps)
    slots = [base + offset for offset in _relocations(library, "pixWriteMem")]
    if not slots:
        return f"{tesseract} has no relocation for pixWriteMem"
    to_write = []
    for slot in slots:  # every entry checked before any is written
        mapping = next((m for m in maps if m.start <= slot and slot + 8 <= m.end), None)
        if mapping is None or mapping.path != tesseract:
            return f"pixWriteMem's entry in {tesseract} is not where the library is loaded"
        held = ctypes.c_void_p.from_address(slot).value
        if held != spix and held != write:
            return f"pixWriteMem's entry in {tesseract} does not hold Leptonica's pixWriteMem"
        if held == write:
            to_write.append((slot, mapping))
    for slot, mapping in to_write:
        _write_pointer(slot, spix, mapping)  # type: ignore[arg-type]
    return None


def _reads_back(lept: ctypes.CDLL) -> bool:
    """Whether Leptonica's ``pixReadMem`` gives back the pixels ``pixWriteMemSpix`` wrote, as
    Tesseract will ask of it for every line (a grey image, as its lines are, of uneven width)."""
    p = ctypes.c_void_p
    lept.pixCreate.restype = lept.pixReadMem.restype = p
    lept.pixCreate.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
    lept.pixSetPixel.argtypes = [p, ctypes.c_int, ctypes.c_int, ctypes.c_uint32]
    lept.pixWriteMemSpix.argtypes = [ctypes.POINTER(p), ctypes.POINTER(ctypes.c_size_t), p]
    lept.pixReadMem.argtypes = [p, ctypes.c_size_t]
    lept.pixEqual.argtypes = [p, p, ctypes.POINTER(ctypes.c_int)]
    lept.pixDestroy.argtypes = [ctypes.POINTER(p)]
    lept.lept_free.argtypes = [p]
    width, height = 37, 5
    written, read, data, size, same = (
        p(lept.pixCreate(width, height, 8)),
        p(),
        p(),
        ctypes.c_size_t(),
        ctypes.c_int(0),
    )
    if not written.value:
        return False
    try:
        for i in range(width * height):
            lept.pixSetPixel(written, i % width, i // width, (i * 37) % 256)
        if lept.pixWriteMemSpix(ctypes.byref(data), ctypes.byref(size), written) or not data.value:
            return False
        read.value = lept.pixReadMem(data, size)
        return (
            bool(read.value)
            and lept.pixEqual(written, read, ctypes.byref(same)) == 0
            and bool(same.value)
        )
    finally:
        if data.value:
            lept.lept_free(data)
        lept.pixDestroy(ctypes.byref(written))
        if read.value:
            lept.pixDestroy(ctypes.byref(read))


def _mappings() -> list[_Mapping]:
    """This process's mapped files (``/proc/self/maps``)."""
    found = []
    for row in Path("/proc/self/maps").read_text().splitlines():
        parts = row.split(maxsplit=5)
        if len(parts) < 6:
            continue
        start, end = (int(x, 16) for x in parts[0].split("-"))
        found.append(_Mapping(start, end, parts[1], int(parts[2], 16), parts[5]))
    return found


def _loaded(maps: list[_Mapping], name: str) -> str | None:
    pattern = re.compile(rf"(^|/){name}")
    return next((m.path for m in maps if pattern.search(m.path)), None)


def _load_base(path: str, first_segment: int, maps: list[_Mapping]) -> int:
    """Where the library is loaded: its first mapping, less the first segment's page-aligned
    address in the file (0 for a shared library as linkers make them)."""
    first = min((m for m in maps if m.path == path and m.offset == 0), key=lambda m: m.start)
    return first.start - (first_segment & ~(mmap.PAGESIZE - 1))


def _check_elf(data: bytes) -> None:
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ValueError("not a 64-bit little-endian ELF file")
    (machine,) = struct.unpack_from("<H", data, 0x12)
    if machine not in _MACHINES.values():
        raise ValueError(f"ELF machine {machine} is not one this is done on")


def _first_segment(data: bytes) -> int:
    """The address of an ELF file's first loaded segment."""
    phoff, phentsize, phnum = (
        struct.unpack_from("<Q", data, 0x20)[0],
        *struct.unpack_from("<HH", data, 0x36),
    )
    loads = []
    for i in range(phnum):
        p_type, _, _, p_vaddr = struct.unpack_from("<IIQQ", data, phoff + i * phentsize)
        if p_type == 1:  # PT_LOAD
            loads.append(p_vaddr)
    return min(loads)


def _relocations(data: bytes, symbol: str) -> list[int]:
    """The offsets (from the load base) of every relocation of an ELF file that names
    ``symbol``: the global offset table entries the dynamic linker fills with its address."""
    (shoff,) = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [
        struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)
    ]
    wanted, offsets = symbol.encode(), []
    for _, sh_type, _, _, offset, size, link, _, _, _ in sections:
        if sh_type != 4:  # SHT_RELA
            continue
        symbols = sections[link]
        names = sections[symbols[6]][4]
        for at in range(offset, offset + size, 24):
            r_offset, r_info, _ = struct.unpack_from("<QQq", data, at)
            index = r_info >> 32
            if not index:
                continue
            (st_name,) = struct.unpack_from("<I", data, symbols[4] + 24 * index)
            start = names + st_name
            if data[start : data.index(b"\0", start)] == wanted:
                offsets.append(r_offset)
    return offsets


def _write_pointer(slot: int, value: int, mapping: _Mapping) -> None:
    """Write a pointer where the dynamic linker made the page read-only after filling it
    (RELRO), giving the page back its protection after."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    page = slot & ~(mmap.PAGESIZE - 1)
    was = sum(_PROT[flag] for flag in mapping.perms[:3] if flag in _PROT)
    if "w" not in mapping.perms and libc.mprotect(page, mmap.PAGESIZE, was | mmap.PROT_WRITE):
        raise OSError(ctypes.get_errno(), "mprotect")
    try:
        ctypes.c_void_p.from_address(slot).value = value
    finally:
        if "w" not in mapping.perms:
            libc.mprotect(page, mmap.PAGESIZE, was)
