"""A faster Whoosh segment writer: the same segment files, less work per posting.

Whoosh's :class:`SegmentWriter` puts every posting into a pool as a tuple,
sorts the pool (spilling pickled runs to disk past ``limitmb``) and hands the
sorted postings one by one to its codec, which checks each, looks up the
document's field length in the column it just wrote, and buffers it into
blocks. That per-posting path is most of the indexing time. Here each field's
postings are appended as they come to flat arrays (term number, document
number, weight, how many positions, the positions), a document's at once; at
the end they are put in term order (a counting sort by the rank of each term
number, which keeps document order within a term) and each term's posting
list is written in blocks at once. The files are those Whoosh writes: the
same blocks, term infos and columns, byte for byte (the tests compare them).

Past ``limitmb`` the gathered postings go to a sorted run on disk: chunks of
consecutive terms, each chunk's postings as packed arrays in one marshal
record. The runs are merged term by term at the end.
"""

from __future__ import annotations

import heapq
import marshal
import pickle
import struct
import tempfile
import zlib
from array import array
from collections.abc import Iterator
from itertools import accumulate, chain, filterfalse, groupby, repeat
from operator import itemgetter

from whoosh.codec.whoosh3 import (
    COMPRESSION_MIN_SIZE,
    WHOOSH3_HEADER_MAGIC,
    W3TermInfo,
)
from whoosh.filedb import filetables
from whoosh.formats import Frequency, Positions
from whoosh.multiproc import SubWriterTask
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.writing import SegmentWriter

# Bytes of memory per gathered posting, per new term and per position, as
# sys.getsizeof measures the buffer (python bench/writer.py --buffer): they
# decide when to spill a run, so that ``limitmb`` is the buffer's real size.
# A posting: four array items (term number, document, weight, positions
# count) and the arrays' spare room (21.5 bytes measured with its positions);
# a term: its dict entry and its number (an int object), ~51 bytes, and its
# string (~81), counted although the analysis cache often holds it too. For
# a moment a spill adds 8 bytes a posting and 12 a term (the counting sort).
POSTING_BYTES = 17
TERM_BYTES = 140
POSITION_BYTES = 4

# Most terms and postings in a chunk of a sorted run: the merge holds a chunk
# of every run at once.
CHUNK_TERMS = 2048
CHUNK_POSTINGS = 8192

# Pickle protocol of a block's data. Whoosh writes protocol 2, where each
# posting's value (bytes) is a call to codecs.encode on a latin-1 str: ~11
# bytes more per value, and slower both ways. Protocol 3 has a bytes opcode
# and, unlike 4 and 5, no frame header; the reader unpickles any protocol.
DATA_PROTOCOL = 3

TERMINFO = W3TermInfo._struct
TERM_ENTRY = filetables._lengths  # key and value lengths of a term table entry
_key = itemgetter(0, 1)
_record_size = struct.Struct("<I")

# What a field keeps of each posting's value (its format's bytes):
NO_VALUES = 0  # nothing: the format has none
BYTES = 1  # the bytes as given
POSITIONS = 2  # the positions, encoded by the field when the list is written
COUNTS = 3  # how many positions: all the field's encoder reads (Frequency)


def value_kind(field) -> int:
    """How a field's posting values are kept; positions and counts only where the
    format's own decoding gives back what its encoder takes (Whoosh's two formats)."""
    if field.format.fixed_value_size() == 0:
        return NO_VALUES
    if getattr(field, "term_positions", None) is not None:
        if type(field.format) is Positions:
            return POSITIONS
        if type(field.format) is Frequency:
            return COUNTS
    return BYTES


class TermPostings:
    """One term's postings in document order: documents, weights, and per posting the
    length of its value's data in ``payload`` (positions, or bytes)."""

    __slots__ = ("docnums", "weights", "lens", "payload")

    def __init__(self, docnums: array, weights: array, lens: array, payload):
        self.docnums = docnums
        self.weights = weights
        self.lens = lens
        self.payload = payload

    def extend(self, other: TermPostings) -> None:
        self.docnums += other.docnums
        self.weights += other.weights
        self.lens += other.lens
        self.payload += other.payload

    def values(self, kind: int, encode, common: ValueCache | None) -> list[bytes]:
        """Each posting's value, as the field's format writes it; ``common``: the
        values of one position (POSITIONS) or of a count (COUNTS), by that number."""
        if kind == NO_VALUES:
            return []
        if kind == COUNTS:
            return list(map(common.__getitem__, self.lens))
        if kind == POSITIONS and len(self.payload) == len(self.lens):
            # every posting has one position (most terms)
            return list(map(common.__getitem__, self.payload))
        ends = accumulate(self.lens)
        parts = map(self.payload.__getitem__, map(slice, accumulate(self.lens, initial=0), ends))
        if kind == BYTES:
            return list(parts)
        return list(map(encode, parts))


class ValueCache(dict):
    """Encoded values by the one number they encode, made when first asked for."""

    __slots__ = ("make",)

    def __init__(self, make):
        super().__init__()
        self.make = make

    def __missing__(self, number: int) -> bytes:
        value = self[number] = self.make(number)
        return value


def common_values(kind: int, encode) -> ValueCache | None:
    """The cache of a field's most frequent values: one position, or a count (the
    encoder of a Frequency field reads no more than how many positions it is given)."""
    if kind == POSITIONS:
        return ValueCache(lambda position: encode([position]))
    if kind == COUNTS:
        return ValueCache(lambda count: encode(range(count)))
    return None


class FieldPostings:
    """One field's postings in the order they came (document order), in flat arrays."""

    __slots__ = ("kind", "ids", "tids", "docnums", "weights", "lens", "payload")

    def __init__(self, kind: int):
        self.kind = kind
        self.ids: dict = {}  # term (str from the analysis, else bytes) -> term number
        self.tids = array("I")
        self.docnums = array("I")
        self.weights = array("f")
        self.lens = array("I")
        self.payload = bytearray() if kind == BYTES else array("I")

    def new_terms(self, terms) -> int:
        """Numbers the terms not seen yet; returns how many there were."""
        ids = self.ids
        new = list(filterfalse(ids.__contains__, terms))
        if new:
            ids.update(zip(new, range(len(ids), len(ids) + len(new)), strict=True))
        return len(new)

    def add_positions(self, positions: dict, docnum: int, field_boost: float, boost: float):
        """A document's terms with their positions (one posting each)."""
        self.tids.extend(map(self.ids.__getitem__, positions))
        self.docnums.extend(repeat(docnum, len(positions)))
        counts = list(map(len, positions.values()))
        if field_boost == 1.0 and boost == 1.0:
            self.weights.extend(counts)
        else:
            self.weights.extend([n * field_boost * boost for n in counts])
        self.lens.extend(counts)
        if self.kind == POSITIONS:
            self.payload.extend(chain.from_iterable(positions.values()))

    def add(self, term, docnum: int, weight: float, length: int, data) -> None:
        """One posting; ``data``: its positions or value bytes (``length`` of them)."""
        self.tids.append(self.ids[term])
        self.docnums.append(docnum)
        self.weights.append(weight)
        self.lens.append(length)
        if data:
            self.payload.extend(data)

    def chunks(self, fieldname: str) -> Iterator[tuple]:
        """The postings in term order, in chunks of consecutive terms:
        (field, kind, terms, postings per term, documents, weights, lens, payload)."""
        terms = sorted(self.ids)
        ids = self.ids
        tids = self.tids
        # counting sort by term rank: order[k] is the posting that comes k-th;
        # postings of a term keep the order they came in, which is document order
        counts = array("I", bytes(4 * len(terms)))
        for t in tids:
            counts[t] += 1
        next_slot = array("I", bytes(4 * len(terms)))
        per_term = array("I", bytes(4 * len(terms)))
        start = 0
        for rank, term in enumerate(terms):
            t = ids[term]
            next_slot[t] = start
            per_term[rank] = n = counts[t]
            start += n
        del counts
        order = array("I", bytes(4 * len(tids)))
        for i, t in enumerate(tids):
            k = next_slot[t]
            order[k] = i
            next_slot[t] = k + 1
        del next_slot
        starts = array("I", accumulate(self.lens, initial=0)) if self.payload else None
        lo = first = count = 0
        for hi, n in enumerate(per_term, 1):
            count += n
            if count >= CHUNK_POSTINGS or hi - lo == CHUNK_TERMS or hi == len(terms):
                postings = order[first : first + count]
                yield self._chunk(fieldname, terms[lo:hi], per_term[lo:hi], postings, starts)
                lo, first, count = hi, first + count, 0

    def _chunk(self, fieldname, terms, per_term, postings, starts) -> tuple:
        payload = self.payload
        if starts is None:
            data = payload[:0]
        elif self.kind == BYTES:
            data = b"".join([payload[starts[i] : starts[i + 1]] for i in postings])
        else:
            data = array("I")
            add = data.extend
            for i in postings:
                add(payload[starts[i] : starts[i + 1]])
        if terms and type(terms[0]) is str:
            terms = [text.encode("utf-8") for text in terms]
        return (
            fieldname,
            self.kind,
            terms,
            per_term,
            array("I", map(self.docnums.__getitem__, postings)),
            array("f", map(self.weights.__getitem__, postings)),
            array("I", map(self.lens.__getitem__, postings)),
            data,
        )


def _chunk_terms(chunk: tuple) -> Iterator[tuple[str, bytes, int, TermPostings]]:
    """(field, term, kind, postings) of each term of a chunk."""
    fieldname, kind, terms, per_term, docnums, weights, lens, payload = chunk
    lo = plo = 0
    for text, n in zip(terms, per_term, strict=True):
        hi = lo + n
        term_lens = lens[lo:hi]
        phi = plo + sum(term_lens) if payload else plo
        yield (
            fieldname,
            text,
            kind,
            TermPostings(docnums[lo:hi], weights[lo:hi], term_lens, payload[plo:phi]),
        )
        lo, plo = hi, phi


def _write_chunk(run, chunk: tuple) -> None:
    fieldname, kind, terms, per_term, docnums, weights, lens, payload = chunk
    record = marshal.dumps(
        (
            fieldname,
            kind,
            terms,
            per_term.tobytes(),
            docnums.tobytes(),
            weights.tobytes(),
            lens.tobytes(),
            payload if kind == BYTES else payload.tobytes(),
        )
    )
    run.write(_record_size.pack(len(record)))
    run.write(record)


def _read_chunks(run) -> Iterator[tuple]:
    run.seek(0)
    read = run.read
    while True:
        head = read(4)
        if not head:
            return
        fieldname, kind, terms, per_term, docnums, weights, lens, payload = marshal.loads(
            read(_record_size.unpack(head)[0])
        )
        yield (
            fieldname,
            kind,
            terms,
            array("I", per_term),
            array("I", docnums),
            array("f", weights),
            array("I", lens),
            payload if kind == BYTES else array("I", payload),
        )


class PostingBuffer:
    """Postings by field; sorted runs on disk past a memory limit."""

    def __init__(self, limit_bytes: int, tempdir: str | None):
        self.limit = limit_bytes
        self.tempdir = tempdir
        self.fields: dict[str, FieldPostings] = {}
        self.fieldnames: set[str] = set()
        self.size = 0
        self.runs: list = []

    def field(self, fieldname: str, kind: int) -> FieldPostings:
        postings = self.fields.get(fieldname)
        if postings is None:
            postings = self.fields[fieldname] = FieldPostings(kind)
            self.fieldnames.add(fieldname)
        return postings

    def grew(self, postings: int, terms: int, payload_bytes: int) -> None:
        self.size += postings * POSTING_BYTES + terms * TERM_BYTES + payload_bytes
        if self.size > self.limit:
            self.spill()

    def _sorted_chunks(self) -> Iterator[tuple]:
        """The chunks of every field in field order; each field's memory goes once sorted."""
        for fieldname in sorted(self.fields):
            yield from self.fields[fieldname].chunks(fieldname)
            self.fields[fieldname] = FieldPostings(self.fields[fieldname].kind)

    def spill(self) -> None:
        run = tempfile.TemporaryFile(dir=self.tempdir, suffix=".run")
        for chunk in self._sorted_chunks():
            _write_chunk(run, chunk)
        run.flush()
        self.runs.append(run)
        self.fields = {}
        self.size = 0

    def sorted_terms(self) -> Iterator[tuple[str, bytes, int, TermPostings]]:
        """(field, term, kind, postings) in field and term order, runs joined in
        document order."""
        if not self.runs:
            yield from chain.from_iterable(map(_chunk_terms, self._sorted_chunks()))
            return
        # the last postings go to a run too: during the merge, the memory holds
        # a chunk of each run instead of the whole buffer
        self.spill()
        # runs in the order of their documents, each term's postings stay in
        # document order (heapq.merge is stable)
        streams = [chain.from_iterable(map(_chunk_terms, _read_chunks(run))) for run in self.runs]
        for (fieldname, text), records in groupby(heapq.merge(*streams, key=_key), key=_key):
            first, *rest = records
            merged = first[3]
            for record in rest:
                merged.extend(record[3])
            yield fieldname, text, first[2], merged

    def close(self) -> None:
        for run in self.runs:
            run.close()
        self.runs = []
        self.fields = {}


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
        """``terms``: (text, kind, postings) in order; ``lengths``: the length byte of
        each doc."""
        fw = self.fw
        fw.start_field(fieldname, fieldobj)
        prefix = pack_ushort(fw._fieldid)
        fixedsize = fieldobj.format.fixed_value_size()
        encode = fieldobj.value_encoder() if hasattr(fieldobj, "value_encoder") else None
        # nothing else writes to the postings and term files meanwhile: their
        # offsets are counted here instead of asked of the files (a system call)
        self.offset = self.postfile.tell()
        tindex = self.tindex
        termfile = tindex.dbfile
        termpos = termfile.tell()
        hashfn, buckets, positions = tindex.hashfn, tindex.buckets, tindex.index
        lastkey = tindex.lastkey
        caches: dict[int, ValueCache | None] = {}
        for text, kind, postings in terms:
            if kind not in caches:
                caches[kind] = common_values(kind, encode)
            common = caches[kind]
            key = prefix + text
            if key <= lastkey:
                raise ValueError(f"Keys must increase: {lastkey!r}..{key!r}")
            info = self._write_postings(
                postings, postings.values(kind, encode, common), fixedsize, lengths
            )
            # OrderedHashWriter.add: the entry, its hash and its offset, in one write
            positions.append(termpos)
            termfile.write(b"".join((TERM_ENTRY.pack(len(key), len(info)), key, info)))
            h = hashfn(key)
            buckets[h & 255].append((h, termpos))
            termpos += TERM_ENTRY.size + len(key) + len(info)
            lastkey = key
        tindex.lastkey = lastkey
        fw.finish_field()

    def _write_postings(self, p: TermPostings, values: list, fixedsize, lengths) -> bytes:
        """Writes a posting list, block by block; returns its term info."""
        dumps = pickle.dumps
        limit = self.blocklimit
        docnums, weights = p.docnums, p.weights
        count = len(docnums)
        out = [WHOOSH3_HEADER_MAGIC]
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
            out += (pack_int(-blocklength if hi == count else blocklength), info, data)
        blob = b"".join(out)
        self.postfile.write(blob)
        start = self.offset
        self.offset = start + len(blob)
        # W3TermInfo.to_bytes() of these statistics (never inlined: the codec's
        # inline limit is 1), packed without building the object
        head = TERMINFO.pack(
            False, total_weight, count, min_lb, max_lb, max_weight, docnums[0], docnums[-1]
        )
        return head + pack_long(start) + pack_int(len(blob))


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
        postings = self.buffer.field(fieldname, value_kind(field))
        if positions is not None:
            length, count, new_terms, payload = self._add_positions(
                postings, field, positions, docnum, boost
            )
        else:
            length, count, new_terms, payload = self._add_items(
                postings, field, value, docnum, boost
            )
        if not field.scorable:
            length = 0
        elif length:
            self._set_length(fieldname, docnum, length)
        self.buffer.grew(count, new_terms, payload)
        return length

    @staticmethod
    def _add_positions(postings: FieldPostings, field, positions, docnum, boost):
        """A field that gives each term's positions (our AnalyzedText), all at once: its
        terms stay str (sorted as str, UTF-8 keeps the order; encoded once per run)."""
        new_terms = postings.new_terms(positions.keys())
        kind = postings.kind
        if kind == BYTES:
            # a format whose values are kept encoded (not one of Whoosh's two)
            encode = field.value_encoder()
            fb = field.format.field_boost
            payload = 0
            for term, poses in positions.items():
                value = encode(poses)
                postings.add(term, docnum, len(poses) * fb * boost, len(value), value)
                payload += len(value)
        else:
            postings.add_positions(positions, docnum, field.format.field_boost, boost)
            payload = 0
        length = sum(map(len, positions.values()))
        if kind == POSITIONS:
            payload = length * POSITION_BYTES
        return length, len(positions), new_terms, payload

    @staticmethod
    def _add_items(postings: FieldPostings, field, value, docnum, boost):
        """Any other field: the (term bytes, freq, weight, value) its index() gives."""
        kind = postings.kind
        fmt = field.format
        items = list(field.index(value))
        if kind in (POSITIONS, COUNTS):
            # plain text in a field that keeps positions: its terms as the analysis gives them
            items = [(text.decode("utf-8"), *rest) for text, *rest in items]
        new_terms = postings.new_terms({item[0] for item in items})
        length = payload = 0
        for text, freq, weight, vbytes in items:
            if kind == POSITIONS:
                data = fmt.decode_positions(vbytes)
                postings.add(text, docnum, weight * boost, len(data), data)
                payload += len(data) * POSITION_BYTES
            elif kind == COUNTS:
                postings.add(text, docnum, weight * boost, fmt.decode_frequency(vbytes), None)
            elif kind == BYTES:
                postings.add(text, docnum, weight * boost, len(vbytes), vbytes)
                payload += len(vbytes)
            else:
                postings.add(text, docnum, weight * boost, 0, None)
            length += freq
        return length, len(items), new_terms, payload

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
            terms = ((text, kind, p) for _, text, kind, p in entries)
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
    """A writer process of a multi-process run (search/index/updating.py): Whoosh's, with the
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
        self.resultqueue.put((None, set(writer.buffer.fieldnames), segment), timeout=5)
