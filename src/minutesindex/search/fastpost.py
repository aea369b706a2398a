"""Each segment's postings of the searched fields as flat arrays, read in place by numpy.

Whoosh keeps a term's postings in pickled blocks that its matchers walk one posting at a time in
Python: intersecting two words cost some 10 µs per skip, so a 2-word search of 100,000 items spent
tens of milliseconds there (`scripts/bench_search.py`). Beside Whoosh's own files, every segment the
project writes (search/segments.py) gets one more file, inside its compound `.seg` file so that it
lives and dies with the segment: for each term of the `text` and `folded` fields its documents
(uint32), weights (float32, as Whoosh stores them), and for `text` each posting's number of
positions and the positions (uint32). The positions are kept only here (Whoosh's text field keeps
frequencies). A search (search/evaluate.py) takes a term's postings as array views of the index's
mmap, without decoding anything, and intersects and scores whole arrays at once.

Layout: the terms' arrays one after another, then per field its directory (the sorted terms as one
blob with their end offsets, each term's data offset, postings count and positions count) and each
document's field length (as Whoosh's length byte decodes it); at the end a JSON footer of where each
part lies, its length (uint32) and MAGIC.
"""

from __future__ import annotations

import json
import struct
from array import array
from collections.abc import Iterator
from typing import BinaryIO

import numpy as np

EXTENSION = ".fpost"
MAGIC = b"MIFPOST2"  # with analysis.FAST_POSTINGS_VERSION 2
FIELDS = ("text", "folded")  # the fields a plain search reads (search/query.py SEARCH_FIELDS)
_FOOTER = struct.Struct("<I8s")


class FastPostingsWriter:
    """Writes one segment's file: `add_term` in the segment's (field, term) order, then `finish`."""

    def __init__(self, file: BinaryIO, doc_count: int) -> None:
        self._file = file
        self._offset = 0
        self._doc_count = doc_count
        self._fields: dict[str, dict] = {}

    def add_term(  # noqa: PLR0913
        self, fieldname: str, tbytes: bytes, docnums: array, weights: array, values: list[bytes], positions: bool
    ) -> None:
        """One term's postings; with `positions`, `values` are each posting's positions as uint32
        bytes (analysis.position_bytes)."""
        field = self._fields.setdefault(
            fieldname, {"terms": [], "offsets": array("Q"), "counts": array("I"), "positions": array("I")}
        )
        field["terms"].append(tbytes)
        field["offsets"].append(self._offset)
        field["counts"].append(len(docnums))
        self._write(array("I", docnums).tobytes())
        self._write(array("f", weights).tobytes())
        if positions:
            flat = b"".join(values)
            self._write(array("I", [len(value) >> 2 for value in values]).tobytes())
            self._write(flat)
            field["positions"].append(len(flat) >> 2)
        else:
            field["positions"].append(0)

    def finish(self, lengths: dict[str, list[int]]) -> None:
        """Write the directories and each field's document lengths (0 where a document has none)."""
        footer: dict = {"docs": self._doc_count, "fields": {}}
        for fieldname in sorted(set(self._fields) | set(lengths)):
            field = self._fields.get(fieldname) or {"terms": [], "offsets": [], "counts": [], "positions": []}
            ends = array("I")
            blob = bytearray()
            for tbytes in field["terms"]:
                blob += tbytes
                ends.append(len(blob))
            footer["fields"][fieldname] = {
                "terms": len(field["terms"]),
                "blob": self._write(bytes(blob), align=True),
                "ends": self._write(ends.tobytes()),
                "offsets": self._write(array("Q", field["offsets"]).tobytes()),
                "counts": self._write(array("I", field["counts"]).tobytes()),
                "positions": self._write(array("I", field["positions"]).tobytes()),
                "lengths": self._write(array("I", lengths.get(fieldname) or [0] * self._doc_count).tobytes()),
            }
        encoded = json.dumps(footer).encode("utf-8")
        self._file.write(encoded + _FOOTER.pack(len(encoded), MAGIC))

    def _write(self, data: bytes, align: bool = False) -> int:
        start = self._offset
        self._file.write(data)
        self._offset += len(data)
        if align and self._offset % 8:
            padding = 8 - self._offset % 8
            self._file.write(b"\0" * padding)
            self._offset += padding
        return start


class TermPostings:
    """One term's postings in one segment: documents, weights, and (text) each one's positions."""

    __slots__ = ("docs", "weights", "_buffer", "_counts_at", "_positions_at", "_positions_count", "_starts")

    def __init__(
        self, docs: np.ndarray, weights: np.ndarray, buffer: memoryview | bytes = b"", at: int = 0, positions: int = 0
    ) -> None:
        self.docs = docs
        self.weights = weights
        self._buffer = buffer
        self._counts_at = at
        self._positions_at = at + 4 * len(docs)
        self._positions_count = positions
        self._starts: np.ndarray | None = None

    def position_bytes(self) -> list[bytes]:
        """Each posting's positions as uint32 bytes (as analysis.position_bytes; empty without)."""
        if not self._positions_count:
            return [b""] * len(self.docs)
        starts = (self._starts_of() * 4).tolist()
        flat = bytes(self._buffer[self._positions_at : self._positions_at + 4 * self._positions_count])
        return [flat[starts[n] : starts[n + 1]] for n in range(len(self.docs))]

    def _starts_of(self) -> np.ndarray:
        """Where each posting's positions start among the term's, and after the last where they end."""
        if self._starts is None:
            counts = np.frombuffer(self._buffer, np.uint32, len(self.docs), self._counts_at)
            self._starts = np.concatenate(([0], np.cumsum(counts, dtype=np.int64)))
        return self._starts

    def positions_of(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The positions of the postings at `rows` (indexes into docs), flat, with each one's row."""
        if not self._positions_count:
            raise ValueError("this field keeps no positions")
        every = self._starts_of()
        starts = every[rows]
        sizes = every[rows + 1] - starts
        owner = np.repeat(np.arange(len(rows)), sizes)
        within = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        flat = np.frombuffer(self._buffer, np.uint32, self._positions_count, self._positions_at)
        return flat[starts[owner] + within], owner


EMPTY = TermPostings(np.empty(0, np.uint32), np.empty(0, np.float32))


class SegmentPostings:
    """A segment's file read in place: `postings(field, term)` and `lengths(field)` as numpy views."""

    def __init__(self, buffer: memoryview | bytes) -> None:
        size, magic = _FOOTER.unpack_from(buffer, len(buffer) - _FOOTER.size)
        if magic != MAGIC:
            raise ValueError("not a fast postings file")
        footer_at = len(buffer) - _FOOTER.size - size
        footer = json.loads(bytes(buffer[footer_at : footer_at + size]))
        self._buffer = buffer
        self.doc_count: int = footer["docs"]
        self._fields = {}
        for fieldname, part in footer["fields"].items():
            terms = part["terms"]
            ends = np.frombuffer(buffer, np.uint32, terms, part["ends"])
            self._fields[fieldname] = (
                buffer[part["blob"] : part["blob"] + (int(ends[-1]) if terms else 0)],
                ends.tolist(),  # a Python list: the binary search below reads it item by item
                np.frombuffer(buffer, np.uint64, terms, part["offsets"]),
                np.frombuffer(buffer, np.uint32, terms, part["counts"]),
                np.frombuffer(buffer, np.uint32, terms, part["positions"]),
                np.frombuffer(buffer, np.uint32, self.doc_count, part["lengths"]),
            )

    def has_field(self, fieldname: str) -> bool:
        return fieldname in self._fields

    def lengths(self, fieldname: str) -> np.ndarray:
        return self._fields[fieldname][5]

    def terms(self, fieldname: str) -> Iterator[tuple[bytes, TermPostings]]:
        """Every term of the field with its postings, in term order (for merging segments)."""
        for k in range(len(self._fields[fieldname][1])):
            yield self._term(fieldname, k), self._postings(fieldname, k)

    def postings(self, fieldname: str, tbytes: bytes) -> TermPostings:
        count = len(self._fields[fieldname][1])
        low, high = 0, count
        while low < high:  # the first term not below tbytes
            middle = (low + high) // 2
            if self._term(fieldname, middle) < tbytes:
                low = middle + 1
            else:
                high = middle
        if low == count or self._term(fieldname, low) != tbytes:
            return EMPTY
        return self._postings(fieldname, low)

    def _term(self, fieldname: str, k: int) -> bytes:
        blob, ends = self._fields[fieldname][:2]
        return bytes(blob[ends[k - 1] if k else 0 : ends[k]])

    def _postings(self, fieldname: str, k: int) -> TermPostings:
        _, _, offsets, counts, positions, _ = self._fields[fieldname]
        at, count = int(offsets[k]), int(counts[k])
        docs = np.frombuffer(self._buffer, np.uint32, count, at)
        weights = np.frombuffer(self._buffer, np.float32, count, at + 4 * count)
        return TermPostings(docs, weights, self._buffer, at + 8 * count, int(positions[k]))
