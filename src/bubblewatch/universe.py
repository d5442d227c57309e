"""The companies the arguments are measured on: one list, read by every layer.

The five hyperscalers (in the order tables and charts show them) with their tickers and SEC
central index keys; the data connectors and the reconciliation read the identifiers from here.
"""

from __future__ import annotations

from collections.abc import Mapping

#: Company name as the ``financials`` table spells it -> (ticker, 10-digit SEC CIK).
HYPERSCALER_IDS: Mapping[str, tuple[str, str]] = {
    "Microsoft": ("MSFT", "0000789019"),
    "Alphabet": ("GOOGL", "0001652044"),
    "Amazon": ("AMZN", "0001018724"),
    "Meta": ("META", "0001326801"),
    "Oracle": ("ORCL", "0001341439"),
}

HYPERSCALERS: tuple[str, ...] = tuple(HYPERSCALER_IDS)
"""Microsoft, Alphabet, Amazon, Meta and Oracle: the cloud platforms whose capex the debate sums."""
