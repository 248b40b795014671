"""One segment writer, one process: CPU time, spills, peak RSS and the postings buffer.

    python bench/writer.py --docs 3000 --limit 32
    python bench/writer.py --docs 12000 --limit 32 --code /tmp/old-checkout
    python bench/writer.py --docs 3000 --limit 100000 --buffer

Feeds the first N documents of a corpus (``bench/out/corpus-10000.jsonl`` by
default, read as ``search-cli index`` reads it) to ``search.index.writer.FastSegmentWriter``
with ``limitmb`` = LIMIT, then commits; prints the CPU seconds of adding and of the
commit (``time.process_time``), the number of sorted runs spilled, and the peak RSS
of the process. ``--code DIR`` imports ``search`` from another checkout, for an A/B
of two versions on the same machine (run them alternately: the machine is shared).
``--buffer`` reports, before the commit, the postings buffer's estimated size
(what ``limitmb`` is compared with) beside its size by ``sys.getsizeof`` of its
arrays, term dicts, term numbers and term strings (the strings may also be held by
the analysis cache).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def buffer_report(buffer) -> str:
    arrays = dicts = numbers = keys = terms = postings = 0
    for field in buffer.fields.values():
        for column in (field.tids, field.docnums, field.weights, field.lens, field.payload):
            arrays += sys.getsizeof(column)
        dicts += sys.getsizeof(field.ids)
        numbers += sum(sys.getsizeof(n) for n in field.ids.values() if n > 256)
        keys += sum(sys.getsizeof(text) for text in field.ids)
        terms += len(field.ids)
        postings += len(field.tids)
    real = arrays + dicts + numbers
    return (
        f"buffer: {terms} terms, {postings} postings; estimated {buffer.size / 1e6:.1f} MB, "
        f"measured {real / 1e6:.1f} MB + {keys / 1e6:.1f} MB of term strings; "
        f"arrays {arrays / max(postings, 1):.1f} B a posting, "
        f"dict and number {(dicts + numbers) / max(terms, 1):.0f} B a term, "
        f"string {keys / max(terms, 1):.0f} B a term"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=3000)
    parser.add_argument("--limit", type=float, default=32, help="limitmb (default 32)")
    parser.add_argument("--corpus", type=Path, default=BENCH / "out" / "corpus-10000.jsonl")
    parser.add_argument("--code", type=Path, help="checkout whose search/ to import")
    parser.add_argument("--buffer", action="store_true", help="measure the buffer")
    args = parser.parse_args()
    sys.path.insert(0, str(args.code or BENCH.parent))
    from search import index as index_module
    from search.documents import read_paths
    from search.index.writer import FastSegmentWriter

    with tempfile.TemporaryDirectory() as tmp:
        ix = index_module.create(Path(tmp) / "ix")
        writer = FastSegmentWriter(ix, limitmb=args.limit)
        started = time.process_time()
        for doc in islice(read_paths([args.corpus]), args.docs):
            writer.add_document(**index_module.document_fields(doc))
        added = time.process_time()
        runs = len(writer.buffer.runs)
        if args.buffer:
            print(buffer_report(writer.buffer))
        writer.commit()
        done = time.process_time()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{args.docs} documents, limit {args.limit:g} MB: {runs} runs before the commit; "
        f"CPU s adding {added - started:.2f}, commit {done - added:.2f}, "
        f"total {done - started:.2f}; peak RSS {peak:.0f} MB"
    )


if __name__ == "__main__":
    main()
