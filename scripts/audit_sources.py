"""Classify every source of the shipped snapshot as primary or secondary and count the rows on each.

A source is **primary** when the document cited is the original of the figure:

- a filing on the SEC's own site (``sec.gov``, EDGAR) or on the filer's own investor-relations site;
- a release or series of a statistical agency or central bank (BEA, BLS, EIA, the Federal Reserve
  Board and Reserve Banks, FRED/FRASER of the St. Louis Fed, the Department of Energy);
- an issuer's own press release, on its own site or as it distributed it over a wire service
  (PR Newswire, Business Wire, GlobeNewswire);
- the author's own published paper, report, dataset or post (the research firm, the bank, the
  consultancy, the scholar whose figure it is), also where the author publishes on a platform
  such as a news portal's account pages;
- the original report of a news outlet that broke the figure itself.

Everything else is **secondary**: mirrors of filings, aggregators of financial statements,
third-party copies of agency data, and news sites restating another outlet's report or a company's
announcement. A source whose ``publisher`` says it reports, cites, restates, summarises or
reproduces someone else ("reporting EY", "via Stock Titan", "citing Bloomberg") is secondary unless
it sits on the SEC's or an agency's own site.

The rules read only ``sources.csv`` (host of ``url`` and wording of ``publisher``); the counts cover
every curated table except ``market.csv``, whose price series are audited separately.

Usage::

    python scripts/audit_sources.py            # counts per table
    python scripts/audit_sources.py --list     # plus every secondary source, most-cited first
"""

from __future__ import annotations

import argparse
import csv
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

SNAPSHOT = Path(__file__).resolve().parents[1] / "src" / "bubblewatch" / "data" / "snapshot"
SKIPPED_TABLES = {"sources", "market"}

# Hosts whose documents are the original whatever the publisher field says.
FILING_HOSTS = {"sec.gov": "SEC EDGAR filing"}
AGENCY_HOSTS = {
    "bea.gov": "statistical agency release (BEA)",
    "apps.bea.gov": "statistical agency release (BEA)",
    "bls.gov": "statistical agency release (BLS)",
    "eia.gov": "statistical agency release (EIA)",
    "energy.gov": "government agency (DOE)",
    "federalreserve.gov": "central bank publication",
    "dallasfed.org": "central bank publication",
    "frbsf.org": "central bank publication",
    "fred.stlouisfed.org": "FRED series",
    "fraser.stlouisfed.org": "FRASER archive of the agency's own release document",
}
# Wire services that carry an issuer's own release verbatim, as the issuer sent it.
WIRE_HOSTS = {"prnewswire.com", "businesswire.com", "globenewswire.com"}
# Issuers' and authors' own sites: the figure's originator publishes it there.
OWN_HOSTS = {
    "ir.amd.com": "issuer's investor-relations site",
    "amd.com": "issuer's own newsroom",
    "openai.com": "issuer's own announcement",
    "anthropic.com": "issuer's own announcement",
    "blogs.microsoft.com": "issuer's own newsroom",
    "nvidianews.nvidia.com": "issuer's own newsroom",
    "coreweave.com": "issuer's own newsroom",
    "newsroom.intel.com": "issuer's own newsroom",
    "blog.google": "issuer's own publication",
    "sequoiacap.com": "author's own essay",
    "mckinsey.com": "author's own report",
    "cbre.com": "author's own report",
    "prodauthoring.cbre.com": "author's own report",
    "cushwake.cld.bz": "author's own report",
    "rystadenergy.com": "author's own research note",
    "ieefa.org": "author's own report",
    "intelligence.uptimeinstitute.com": "author's own survey",
    "glennklockwood.com": "author's own post",
    "garethcampbell.org": "author's own research",
    "econ.yale.edu": "author's own dataset",
    "epi.org": "author's own chart",
    "alignmentforum.org": "author's own post",
}
# Publisher wording that names the originator publishing its own work on a third-party platform.
OWN_PUBLISHER = re.compile(r"published on|451 Research", re.IGNORECASE)
# Repositories on GitHub that are their owner's own data (not copies of someone else's series).
OWN_GITHUB_OWNERS = {"epoch-research"}
# News outlets whose own reporting is the original of the figures cited from them.
ORIGINAL_OUTLETS = {"ft.com", "wsj.com", "bloomberg.com", "reuters.com", "cnbc.com", "axios.com"}

# Wording of a publisher field that says the page restates someone else's document.
SECOND_HAND = re.compile(
    r"\b(via|reporting|reported by|citing|quoting|quoted|summar|restat|reproduc|republish|reprint|"
    r"rewrite|mirror|copy|aggregat|syndicat|transcript|wire\b|from cls)|"
    r"\((bloomberg|reuters|benzinga|rttnews|the information)[^)]*\)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Verdict:
    """Classification of one source row."""

    primary: bool
    kind: str


def host_of(url: str) -> str:
    """Host of ``url`` without a leading ``www.``."""
    host = (urlparse(url).hostname or "").lower()
    return host.removeprefix("www.")


def _matches(host: str, hosts: set[str] | dict[str, str]) -> str | None:
    for known in hosts:
        if host == known or host.endswith("." + known):
            return known
    return None


def classify(publisher: str, url: str) -> Verdict:
    """Primary or secondary, with the rule that decided it."""
    host = host_of(url)
    if known := _matches(host, FILING_HOSTS):
        return Verdict(True, FILING_HOSTS[known])
    if known := _matches(host, AGENCY_HOSTS):
        return Verdict(True, AGENCY_HOSTS[known])
    if _matches(host, WIRE_HOSTS):
        return Verdict(True, "issuer's release over its wire service")
    if host == "github.com":
        owner = urlparse(url).path.strip("/").split("/")[0]
        if owner in OWN_GITHUB_OWNERS:
            return Verdict(True, "author's own dataset")
        return Verdict(False, "third-party copy of another publisher's data")
    if SECOND_HAND.search(publisher):
        return Verdict(False, "restates another publisher's document")
    if OWN_PUBLISHER.search(publisher):
        return Verdict(True, "author's own publication on a third-party platform")
    if known := _matches(host, OWN_HOSTS):
        return Verdict(True, OWN_HOSTS[known])
    if _matches(host, ORIGINAL_OUTLETS):
        return Verdict(True, "original news report")
    return Verdict(False, "aggregator, mirror or news restatement")


def read(name: str) -> list[dict[str, str]]:
    """Rows of one snapshot table."""
    with (SNAPSHOT / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="list every secondary source")
    args = parser.parse_args()

    verdicts = {
        row["source_id"]: (classify(row["publisher"], row["url"]), row) for row in read("sources")
    }
    tables = sorted(p.stem for p in SNAPSHOT.glob("*.csv") if p.stem not in SKIPPED_TABLES)
    cited: Counter[str] = Counter()
    totals = Counter[str]()
    print(f"{'table':<14}{'rows':>7}{'primary':>9}{'secondary':>11}{'share 2nd':>11}")
    for table in tables:
        counts = Counter[str]()
        for row in read(table):
            verdict, _ = verdicts[row["source_id"]]
            counts["primary" if verdict.primary else "secondary"] += 1
            cited[row["source_id"]] += 1
        rows = counts["primary"] + counts["secondary"]
        totals.update(counts)
        share = counts["secondary"] / rows if rows else 0.0
        print(f"{table:<14}{rows:>7}{counts['primary']:>9}{counts['secondary']:>11}{share:>11.0%}")
    rows = totals["primary"] + totals["secondary"]
    share = totals["secondary"] / rows if rows else 0.0
    print(f"{'all':<14}{rows:>7}{totals['primary']:>9}{totals['secondary']:>11}{share:>11.0%}")
    used = [sid for sid in verdicts if cited[sid]]
    n_primary = sum(verdicts[sid][0].primary for sid in used)
    print(f"sources cited: {len(used)} ({n_primary} primary, {len(used) - n_primary} secondary)")

    if args.list:
        print()
        secondary = sorted(
            (sid for sid in used if not verdicts[sid][0].primary), key=lambda s: (-cited[s], s)
        )
        for sid in secondary:
            verdict, row = verdicts[sid]
            print(f"{cited[sid]:>4}  {sid}  [{verdict.kind}]  {row['publisher']}  <{row['url']}>")


if __name__ == "__main__":
    main()
