"""Documents → a Whoosh index on disk.

- :mod:`.schema` the fields and the format on disk; opening and creating an index;
- :mod:`.updating` adding, replacing and pruning documents in one commit;
- :mod:`.parallel` and :mod:`.writer` the processes and the segment writer a
  large update uses;
- :mod:`.seeds` the default index, built from the bundled seeds.
"""

from __future__ import annotations

from .schema import (
    FORMAT_FILE,
    INDEX_FORMAT,
    AnalyzedText,
    create,
    exists,
    index_format,
    open_dir,
    schema,
)
from .seeds import FINGERPRINT_FILE, default_index_dir, ensure_seeded, seeds_dir
from .updating import (
    WRITE_LOCK_TIMEOUT,
    IndexReport,
    document_fields,
    report_dict,
    update,
    write_documents,
)

__all__ = [
    "FINGERPRINT_FILE",
    "FORMAT_FILE",
    "INDEX_FORMAT",
    "WRITE_LOCK_TIMEOUT",
    "AnalyzedText",
    "IndexReport",
    "create",
    "default_index_dir",
    "document_fields",
    "ensure_seeded",
    "exists",
    "index_format",
    "open_dir",
    "report_dict",
    "schema",
    "seeds_dir",
    "update",
    "write_documents",
]
