"""A faster Whoosh segment writer: the same segment files, less work per posting.

Whoosh's :class:`SegmentWriter` puts every posting into a pool as a tuple,
sorts the pool (spilling pickled runs to disk past ``limitmb``) and hands the
sorted postings one by one to its codec, which checks each, looks up the
document's field length in the column it just wrote, and buffers it into
blocks. That per-posting path is most of the indexing time. Here the postings
are gathered by field and term as they come (document numbers, weights and
values in arrays), so nothing is sorted but the terms, and each term's posting
list is written in blocks at once. The files are those Whoosh writes: the
same blocks, term infos and columns, byte for byte (the tests compare them).

Past ``limitmb`` the gathered postings go to a sorted run on disk (one record
per term, not per posting), and the runs are merged term by term at the end.
"""

from __future__ import annotations

import heapq
import marshal
import pickle
import tempfile
import zlib
from array import array
from collections.abc import Iterator
from itertools import chain, groupby, repeat
from operator import itemgetter

from whoosh.codec.whoosh3 import (
    COMPRESSION_MIN_SIZE,
    WHOOSH3_HEADER_MAGIC,
    W3TermInfo,
)
from whoosh.multiproc import SubWriterTask
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.writing import SegmentWriter

# Rough bytes of memory per gathered posting and per new term (containers,
# list slots, the value's bytes object): decides when to spill a run.
POSTING_BYTES = 60
TERM_BYTES = 320
VALUE_BYTES = 16  # a posting's value (positions), past the bytes object's own size

# Pickle protocol of a block's data. Whoosh writes protocol 2, where each
# posting's value (bytes) is a call to codecs.encode on a latin-1 str: ~11
# bytes more per value, and slower both ways. Protocol 3 has a bytes opcode
# and, unlike 4 and 5, no frame header; the reader unpickles any protocol.
DATA_PROTOCOL = 3

_key = itemgetter(0, 1)
TERMINFO = W3TermInfo._struct


class TermPostings:
    """One term's postings in one segment, in document order."""

    __slots__ = ("docnums", "weights", "values")

    def __init__(self, docnums=None, weights=None, values=None):
        self.docnums = docnums if docnums is not None else array("I")
        self.weights = weights if weights is not None else array("f")
        self.values = values if values is not None else []

    def extend(self, other: TermPostings) -> None:
        self.docnums.extend(other.docnums)
        self.weights.extend(other.weights)
        self.values.extend(other.values)


class PostingBuffer:
    """Postings by field and term; sorted runs on disk past a memory limit."""

    def __init__(self, limit_bytes: int, tempdir: str | None):
        self.limit = limit_bytes
        self.tempdir = tempdir
        self.fields: dict[str, dict[bytes, TermPostings]] = {}
        self.size = 0
        self.runs: list = []

    def field(self, fieldname: str) -> dict[bytes, TermPostings]:
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = {}
        return terms

    def grew(self, postings: int, terms: int, value_bytes: int) -> None:
        self.size += postings * POSTING_BYTES + terms * TERM_BYTES + value_bytes
        if self.size > self.limit:
            self.spill()

    def _sorted_records(self) -> Iterator[tuple]:
        for fieldname in sorted(self.fields):
            terms = _bytes_keys(self.fields[fieldname])
            for text in sorted(terms):
                p = terms[text]
                yield fieldname, text, p.docnums, p.weights, p.values

    def spill(self) -> None:
        run = tempfile.TemporaryFile(dir=self.tempdir, suffix=".run")
        dump = marshal.dump
        for fieldname, text, docnums, weights, values in self._sorted_records():
            dump((fieldname, text, docnums.tobytes(), weights.tobytes(), values), run)
        run.flush()
        self.runs.append(run)
        self.fields = {}
        self.size = 0

    @staticmethod
    def _read_run(run) -> Iterator[tuple]:
        run.seek(0)
        load = marshal.load
        while True:
            try:
                fieldname, text, docnums, weights, values = load(run)
            except EOFError:
                return
            yield fieldname, text, array("I", docnums), array("f", weights), values

    def sorted_terms(self) -> Iterator[tuple[str, bytes, TermPostings]]:
        """(field, term, postings) in field and term order, runs joined in document order."""
        if not self.runs:
            for fieldname, text, docnums, weights, values in self._sorted_records():
                yield fieldname, text, TermPostings(docnums, weights, values)
            return
        # runs hold earlier documents than the memory: merged in that order,
        # each term's postings stay in document order (heapq.merge is stable)
        streams = [self._read_run(run) for run in self.runs] + [self._sorted_records()]
        for (fieldname, text), records in groupby(heapq.merge(*streams, key=_key), key=_key):
            merged = None
            for _, _, docnums, weights, values in records:
                if merged is None:
                    merged = TermPostings(docnums, weights, values)
                else:
                    merged.extend(TermPostings(docnums, weights, values))
            yield fieldname, text, merged

    def close(self) -> None:
        for run in self.runs:
            run.close()
        self.runs = []
        self.fields = {}


def _bytes_keys(terms: dict) -> dict[bytes, TermPostings]:
    """The terms of a field by their UTF-8 bytes (the fast path keeps them as str)."""
    if all(type(text) is bytes for text in terms):
        return terms
    out: dict[bytes, TermPostings] = {}
    for text, p in terms.items():
        key = text.encode("utf-8") if type(text) is str else text
        other = out.get(key)
        out[key] = p if other is None else _interleave(other, p)
    return out


def _interleave(a: TermPostings, b: TermPostings) -> TermPostings:
    """One term's postings from two lists (a field given both LangText and plain text)."""
    rows = sorted(
        chain(
            zip(a.docnums, a.weights, a.values or repeat(b""), strict=False),
            zip(b.docnums, b.weights, b.values or repeat(b""), strict=False),
        )
    )
    keep_values = bool(a.values or b.values)
    return TermPostings(
        array("I", [r[0] for r in rows]),
        array("f", [r[1] for r in rows]),
        [r[2] for r in rows] if keep_values else [],
    )


def _mini_weights(weights: array):
    """Whoosh's block weights: None when all 1.0, one float when all equal, else a tuple."""
    first = weights[0]
    if first == 1.0 and weights.count(1.0) == len(weights):
        return None
    if weights.count(first) == len(weights):
        return first
    return tuple(weights)


def _delta(ids: array) -> tuple[int, ...]:
    out = []
    base = 0
    for n in ids:
        out.append(n - base)
        base = n
    return tuple(out)


class TermListWriter:
    """Writes whole posting lists as Whoosh's W3 codec does, posting by posting."""

    def __init__(self, fieldwriter, blocklimit: int, compression: int):
        self.fw = fieldwriter
        self.postfile = fieldwriter._postfile
        self.tindex = fieldwriter._tindex
        self.blocklimit = blocklimit
        self.compression = compression

    def write_field(self, fieldname, fieldobj, lengths: bytearray | None, terms) -> None:
        """``terms``: (text, postings) in order; ``lengths``: the length byte of each doc."""
        fw = self.fw
        fw.start_field(fieldname, fieldobj)
        prefix = pack_ushort(fw._fieldid)
        fixedsize = fieldobj.format.fixed_value_size()
        add = self.tindex.add
        for text, postings in terms:
            add(prefix + text, self._write_postings(postings, fixedsize, lengths))
        fw.finish_field()

    def _write_postings(self, p: TermPostings, fixedsize, lengths) -> bytes:
        postfile = self.postfile
        dumps = pickle.dumps
        limit = self.blocklimit
        docnums, weights, values = p.docnums, p.weights, p.values
        count = len(docnums)
        start = postfile.tell()
        postfile.write(WHOOSH3_HEADER_MAGIC)
        total_weight = 0
        max_weight = 0
        min_lb = max_lb = 0
        for lo in range(0, count, limit):
            hi = min(lo + limit, count)
            ids = docnums[lo:hi]
            ws = weights[lo:hi]
            total_weight += sum(ws)
            block_max = max(ws)
            if block_max > max_weight:
                max_weight = block_max
            if lengths is not None:
                lbs = [lengths[d] for d in ids]
                block_min_lb, block_max_lb = min(lbs), max(lbs)
                min_lb = block_min_lb if lo == 0 else min(min_lb, block_min_lb)
                max_lb = max(max_lb, block_max_lb)
            else:
                block_min_lb = block_max_lb = 0
            if fixedsize is None or fixedsize < 0:
                # equal values pickled once: the block's bytes do not depend on
                # which values happen to be one object (shared by a cache or not)
                memo: dict[bytes, bytes] = {}
                vs = tuple([memo.setdefault(v, v) for v in values[lo:hi]])
            elif fixedsize == 0:
                vs = None
            else:
                vs = b"".join(values[lo:hi])
            data = dumps((_delta(ids), _mini_weights(ws), vs), DATA_PROTOCOL)
            comp = self.compression if len(data) >= COMPRESSION_MIN_SIZE else 0
            if comp:
                data = zlib.compress(data, comp)
            info = dumps((hi - lo, ids[-1], block_max, comp, block_min_lb, block_max_lb), 2)
            blocklength = len(info) + len(data)
            postfile.write_int(-blocklength if hi == count else blocklength)
            postfile.write(info)
            postfile.write(data)
        # W3TermInfo.to_bytes() of these statistics (never inlined: the codec's
        # inline limit is 1), packed without building the object
        head = TERMINFO.pack(
            False, total_weight, count, min_lb, max_lb, max_weight, docnums[0], docnums[-1]
        )
        return head + pack_long(start) + pack_int(postfile.tell() - start)


class FastSegmentWriter(SegmentWriter):
    """A SegmentWriter whose postings skip the pool and the per-posting codec path."""

    def __init__(self, ix, limitmb=128, **kwargs):
        super().__init__(ix, limitmb=limitmb, **kwargs)
        folder = getattr(self.storage, "folder", None)
        self.buffer = PostingBuffer(limitmb * 1024 * 1024, folder)
        # length byte of each document of this segment, per scorable field
        self.length_bytes: dict[str, bytearray] = {}

    def add_document(self, **fields):
        self._check_state()
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        docboost = self._doc_boost(fields)
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields.get(fieldname)
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    boost = self._field_boost(fields, fieldname, docboost)
                    length = self._add_postings(fieldname, field, value, docnum, boost)
                self._check_plain(fieldname, field)
                stored = fields.get(f"_stored_{fieldname}", value)
                perdocwriter.add_field(fieldname, field, stored if field.stored else None, length)
                column = field.column_type
                if column and stored is not None:
                    perdocwriter.add_column_value(fieldname, column, field.to_column_value(stored))
        except ValueError:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    @staticmethod
    def _check_plain(fieldname, field) -> None:
        # separate spelling words and term vectors take Whoosh's own path
        if field.separate_spelling() or field.vector:
            raise NotImplementedError(f"{fieldname}: spelling field or vector")

    def _add_postings(self, fieldname, field, value, docnum, boost) -> int:
        by_term = getattr(field, "term_positions", None)
        positions = by_term(value) if by_term else None
        if positions is not None:
            length, postings, new_terms, value_bytes = self._add_positions(
                fieldname, field, positions, docnum, boost
            )
        else:
            length, postings, new_terms, value_bytes = self._add_items(
                fieldname, field, value, docnum, boost
            )
        if not field.scorable:
            length = 0
        elif length:
            self._set_length(fieldname, docnum, length)
        self.buffer.grew(postings, new_terms, value_bytes)
        return length

    def _add_positions(self, fieldname, field, positions, docnum, boost):
        """A field that gives each term's positions (our AnalyzedText): its terms stay str
        (sorted as str, UTF-8 keeps the order; encoded once per term at the end)."""
        terms = self.buffer.field(fieldname)
        encode = field.value_encoder() if field.format.fixed_value_size() != 0 else None
        field_boost = field.format.field_boost
        new_terms = 0
        for term, poses in positions.items():
            p = terms.get(term)
            if p is None:
                p = terms[term] = TermPostings()
                new_terms += 1
            p.docnums.append(docnum)
            p.weights.append(len(poses) * field_boost * boost)
            if encode is not None:
                p.values.append(encode(poses))
        count = len(positions)
        value_bytes = count * VALUE_BYTES if encode is not None else 0
        return sum(map(len, positions.values())), count, new_terms, value_bytes

    def _add_items(self, fieldname, field, value, docnum, boost):
        """Any other field: the (term bytes, freq, weight, value) its index() gives."""
        terms = self.buffer.field(fieldname)
        keep_values = field.format.fixed_value_size() != 0
        length = postings = new_terms = value_bytes = 0
        for text, freq, weight, vbytes in field.index(value):
            p = terms.get(text)
            if p is None:
                p = terms[text] = TermPostings()
                new_terms += 1
            p.docnums.append(docnum)
            p.weights.append(weight * boost)
            if keep_values:
                p.values.append(vbytes)
                value_bytes += len(vbytes)
            length += freq
            postings += 1
        return length, postings, new_terms, value_bytes

    def _set_length(self, fieldname: str, docnum: int, length: int) -> None:
        lengths = self.length_bytes.get(fieldname)
        if lengths is None:
            lengths = self.length_bytes[fieldname] = bytearray()
        offset = docnum - self.docbase
        if len(lengths) < offset + 1:
            lengths.extend(bytes(offset + 1 - len(lengths)))
        lengths[offset] = length_to_byte(length)

    def _flush_segment(self):
        self.perdocwriter.close()
        codec = self.codec
        writer = TermListWriter(self.fieldwriter, codec._blocklimit, codec._compression)
        base = self.docbase
        for fieldname, entries in groupby(self.buffer.sorted_terms(), key=itemgetter(0)):
            field = self.schema[fieldname]
            lengths = self._lengths_by_docnum(fieldname, base) if field.scorable else None
            terms = ((text, p) for _, text, p in entries)
            writer.write_field(fieldname, field, lengths, terms)
        self.fieldwriter.close()
        self.buffer.close()

    def _lengths_by_docnum(self, fieldname: str, base: int):
        lengths = self.length_bytes.get(fieldname, bytearray())
        lengths.extend(bytes(self.docnum - base - len(lengths)))
        if not base:
            return lengths
        return _Offset(lengths, base)

    def _close_segment(self):
        super()._close_segment()
        self.buffer.close()


class _Offset:
    """Length bytes indexed by document number, for a segment starting at ``base``."""

    __slots__ = ("lengths", "base")

    def __init__(self, lengths: bytearray, base: int):
        self.lengths = lengths
        self.base = base

    def __getitem__(self, docnum: int) -> int:
        return self.lengths[docnum - self.base]


class FastSubWriterTask(SubWriterTask):
    """A writer process of a multi-process run (search/index.py): Whoosh's, with the
    fast writer."""

    def run(self):
        ix = self.storage.open_index(self.indexname)
        writer = self.writer = FastSegmentWriter(ix, _lk=False, **self.kwargs)
        while self.running:
            jobinfo = self.jobqueue.get()
            if jobinfo is None:
                break
            self._process_file(*jobinfo)
        if not self.running:
            writer.cancel()
            return
        segment = writer._finalize_segment()
        self.resultqueue.put((None, set(writer.buffer.fields), segment), timeout=5)
