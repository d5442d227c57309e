"""Live connectors: SEC EDGAR, FRED/ALFRED, BEA and price providers, behind one HTTP module.

:mod:`bubblewatch.sources.http` owns the etiquette every provider needs (identity, rate limits,
timeouts, retries, the on-disk cache, offline reuse); each provider module turns a typed query
into rows of the live tables in :mod:`bubblewatch.data.live_schema`.
"""
