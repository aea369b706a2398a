"""Tesseract in-process: libtesseract's C API through ctypes, one loaded model per worker.

The `tesseract` command loads its language model (about 0.1 s) for every page, and a page
takes Tesseract 1-2 s; an OCR worker that keeps one engine loaded saves that on each page.
It is the same library and the same settings as the command (automatic page segmentation,
the page's resolution), so it reads a page exactly as `tesseract page.png stdout -l dan` does;
tests/test_ocr.py holds it to that.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
import time
from dataclasses import dataclass

_API = ctypes.c_void_p
_TEXT = ctypes.POINTER(ctypes.c_char)
# tesseract::PSM_AUTO, what the command uses unless told otherwise.
_PAGE_SEGMENTATION_AUTO = 3
_SIGNATURES: dict[str, tuple[list, object]] = {
    "TessBaseAPICreate": ([], _API),
    "TessBaseAPIInit3": ([_API, ctypes.c_char_p, ctypes.c_char_p], ctypes.c_int),
    "TessBaseAPISetPageSegMode": ([_API, ctypes.c_int], None),
    "TessBaseAPISetImage": ([_API, ctypes.c_char_p, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int], None),
    "TessBaseAPISetSourceResolution": ([_API, ctypes.c_int], None),
    "TessBaseAPIRecognize": ([_API, ctypes.c_void_p], ctypes.c_int),
    "TessBaseAPIGetUTF8Text": ([_API], _TEXT),
    "TessBaseAPIGetTsvText": ([_API, ctypes.c_int], _TEXT),
    "TessBaseAPIClear": ([_API], None),
    "TessBaseAPIEnd": ([_API], None),
    "TessBaseAPIDelete": ([_API], None),
    "TessDeleteText": ([_TEXT], None),
    "TessBaseAPIDetectOrientationScript": (
        [
            _API,
            ctypes.POINTER(ctypes.c_int),
            ctypes.POINTER(ctypes.c_float),
            ctypes.POINTER(ctypes.c_char_p),
            ctypes.POINTER(ctypes.c_float),
        ],
        ctypes.c_int,
    ),
    "TessMonitorCreate": ([], ctypes.c_void_p),
    "TessMonitorSetDeadlineMSecs": ([ctypes.c_void_p, ctypes.c_int], None),
    "TessMonitorDelete": ([ctypes.c_void_p], None),
}


class TesseractError(RuntimeError):
    pass


class TesseractUnavailable(TesseractError):
    """Tesseract cannot read any page here (its library or the language is missing): the file fails,
    where a page it cannot read is that page's warning."""


@dataclass
class PageReading:
    text: str
    tsv: str  # Tesseract's word table: one row per word, with its confidence
    timed_out: bool = False


@functools.cache
def _library() -> ctypes.CDLL:
    # One thread per engine: the pool runs one engine per core. OpenMP reads this when it loads.
    os.environ["OMP_THREAD_LIMIT"] = "1"
    name = ctypes.util.find_library("tesseract")
    if name is None:
        raise TesseractUnavailable("libtesseract is not installed (Debian: apt-get install tesseract-ocr)")
    library = ctypes.CDLL(name)
    for function, (arguments, result) in _SIGNATURES.items():
        getattr(library, function).argtypes = arguments
        getattr(library, function).restype = result
    return library


def _take_text(pointer: ctypes._Pointer) -> str:
    """Copy a string Tesseract allocated, and free it."""
    if not pointer:
        return ""
    try:
        return ctypes.string_at(pointer).decode("utf-8", errors="replace")
    finally:
        _library().TessDeleteText(pointer)


LIST_LANGS_TIMEOUT_S = 20


class TesseractEngine:
    """One loaded language model; reads greyscale page images one after another."""

    def __init__(self, lang: str) -> None:
        self._lib = _library()
        self._api = self._lib.TessBaseAPICreate()
        if self._lib.TessBaseAPIInit3(self._api, None, lang.encode()) != 0:
            self._lib.TessBaseAPIDelete(self._api)
            package = f"tesseract-ocr-{lang}"
            raise TesseractUnavailable(f"Tesseract cannot load language '{lang}' (Debian: apt-get install {package})")
        self._lib.TessBaseAPISetPageSegMode(self._api, _PAGE_SEGMENTATION_AUTO)

    def read(self, samples: bytes, width: int, height: int, stride: int, dpi: int, timeout_s: float) -> PageReading:
        """OCR one 8-bit greyscale image; past the deadline Tesseract stops and the reading is empty."""
        lib, api = self._lib, self._api
        monitor = lib.TessMonitorCreate()
        try:
            lib.TessBaseAPISetImage(api, samples, width, height, 1, stride)
            lib.TessBaseAPISetSourceResolution(api, dpi)
            lib.TessMonitorSetDeadlineMSecs(monitor, max(1, int(timeout_s * 1000)))
            started = time.monotonic()
            failed = lib.TessBaseAPIRecognize(api, monitor) != 0
            if failed and time.monotonic() - started >= timeout_s:
                return PageReading("", "", timed_out=True)
            if failed:
                raise TesseractError("Tesseract could not recognise the page")
            text = _take_text(lib.TessBaseAPIGetUTF8Text(api))
            return PageReading(text, _take_text(lib.TessBaseAPIGetTsvText(api, 0)))
        finally:
            lib.TessMonitorDelete(monitor)
            lib.TessBaseAPIClear(api)

    def orientation(self, samples: bytes, width: int, height: int, stride: int, dpi: int) -> tuple[int, float]:
        """How far the page is turned (0, 90, 180 or 270 degrees, as PyMuPDF turns a page) and how
        sure Tesseract's orientation detection is; an engine loaded with the `osd` model only."""
        lib, api = self._lib, self._api
        degrees, confidence = ctypes.c_int(0), ctypes.c_float(0.0)
        script, script_confidence = ctypes.c_char_p(), ctypes.c_float(0.0)
        try:
            lib.TessBaseAPISetImage(api, samples, width, height, 1, stride)
            lib.TessBaseAPISetSourceResolution(api, dpi)
            found = lib.TessBaseAPIDetectOrientationScript(
                api,
                ctypes.byref(degrees),
                ctypes.byref(confidence),
                ctypes.byref(script),
                ctypes.byref(script_confidence),
            )
        finally:
            lib.TessBaseAPIClear(api)
        return (degrees.value % 360, confidence.value) if found else (0, 0.0)

    def close(self) -> None:
        if self._api:
            self._lib.TessBaseAPIEnd(self._api)
            self._lib.TessBaseAPIDelete(self._api)
            self._api = None


def installed_languages() -> list[str] | None:
    """The language models Tesseract has installed (`tesseract --list-langs`), or None if it cannot say."""
    import subprocess

    try:
        listed = subprocess.run(
            ["tesseract", "--list-langs"], capture_output=True, text=True, timeout=LIST_LANGS_TIMEOUT_S, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return sorted(line.strip() for line in listed.stdout.splitlines()[1:] if line.strip())
