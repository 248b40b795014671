"""A query's matches, scored and ordered.

- :mod:`.bm25` BM25F, with each segment's field lengths read once;
- :mod:`.phrase` phrases matched from their words' posting lists;
- :mod:`.collect` every match of a query with its score, in one pass;
- :mod:`.order` the order of results, the same for one index and for shards.
"""
