#!/usr/bin/env python3
"""Builds the bundled state system and the per-state records in scenarios/data/.

Standard library only. Run from the repository root:

    python3 scripts/build_states.py SHARED_DATA_DIR

SHARED_DATA_DIR holds the project's observed records (states_un.csv, womens_suffrage.csv,
crc.csv; their sources are in scenarios/data/README.md). The Gleditsch & Ward list of
independent states is kept in scripts/data/gw_statelist.tsv. `tests/history.rs` loads
every file through the engine's own reader (unknown codes, duplicates and malformed rows
are refused).

Writes:
  scenarios/data/states.csv                  the present-day state system (198 rows)
  scenarios/data/states_1848_1950.csv        states entering the system by 1950, with the year
  scenarios/data/states_since_1989.csv       states of the post-Cold-War system, with the year
  scenarios/data/womens_suffrage_by_state.csv  first national women's suffrage, per state
  scenarios/data/crc_by_state.csv            CRC ratification or accession year, per state
"""
import csv
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "scenarios", "data")

# Short names where the source's form is awkward in prose or has a comma.
NAMES = {
    "BRN": "Brunei",
    "FSM": "Micronesia",
    "COG": "Republic of the Congo",
    "COD": "DR Congo",
    "KNA": "Saint Kitts and Nevis",
    "LCA": "Saint Lucia",
    "VCT": "Saint Vincent and the Grenadines",
    "TUR": "Turkey",
    "CZE": "Czechia",
    "VAT": "Holy See",
}

# Predecessors whose G&W spells continue a present-day state (the state's own code first).
PREDECESSORS = {
    "DEU": ["255", "260"],  # Germany (Prussia/German Empire 1816-1945), then the FRG
    "CZE": ["315", "316"],  # Czechoslovakia, then the Czech Republic
    "SRB": ["340", "345"],  # Serbia, Yugoslavia (1918-2006), Serbia
    "YEM": ["678"],  # the source gives 680 (South Yemen); G&W continue unified Yemen as 678
}

# States not in the G&W main list (microstates): year of independence or of a
# self-governing status recognised in treaty practice. Our coding from standard
# references (constitutional history), not from G&W.
MICROSTATES = {
    "AND": 1816, "SMR": 1816, "MCO": 1861, "LIE": 1866, "VAT": 1929, "WSM": 1962,
    "COK": 1965, "NRU": 1968, "TON": 1970, "NIU": 1974, "GRD": 1974, "STP": 1975,
    "SYC": 1976, "DMA": 1978, "TUV": 1978, "KIR": 1979, "LCA": 1979, "VCT": 1979,
    "VUT": 1980, "ATG": 1981, "KNA": 1983, "FSM": 1986, "MHL": 1986, "PLW": 1994,
}

# Self-governing polities with their own national legislature before G&W independence,
# where the suffrage record refers to that polity (F&S count New Zealand and Finland
# among the first adopters). Our coding; the reason is written into the file.
SELF_GOVERNMENT = {
    "NZL": (1856, "responsible government under the New Zealand Constitution Act 1852"),
    "FIN": (1863, "Grand Duchy of Finland: the Diet reconvened in 1863"),
    "ISL": (1874, "the 1874 constitution gave the Althing legislative power"),
}

# Not treaty actors in 1989-2011 (not UN members or observers able to join UN treaties then).
NOT_IN_1989 = {"TWN", "PSE"}


def read_csv(path, **kw):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f, **kw))


def write_csv(name, header, rows, comments):
    path = os.path.join(OUT, name)
    with open(path, "w", newline="", encoding="utf-8") as f:
        for c in comments:
            f.write("# " + c + "\n")
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    print(f"{name}: {len(rows)} rows")


def spells(gw, codes):
    """Merged spells (start, end) in years over the given G&W codes; gaps ≤ 5 years joined."""
    s = sorted(
        (int(r["start"][:4]), int(r["end"][:4])) for r in gw if r["gw_code"] in codes
    )
    merged = []
    for a, b in s:
        if merged and a - merged[-1][1] <= 5:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def entry_year(iso3, gw_code, gw, at):
    """(year, basis): when the state enters a run whose reference year is `at`: the start
    of its G&W spell active at `at`, else the first one starting after `at`, else the
    last one before it; microstates from MICROSTATES."""
    codes = PREDECESSORS.get(iso3, [gw_code] if gw_code else [])
    sp = spells(gw, codes)
    if not sp:
        if iso3 in MICROSTATES:
            return MICROSTATES[iso3], "independence (microstate; our coding)"
        return None, ""
    for a, b in sp:
        if a <= at <= b:
            return a, "Gleditsch & Ward spell active in %d" % at
    later = [a for a, _ in sp if a > at]
    if later:
        return later[0], "Gleditsch & Ward: independent from"
    return sp[-1][0], "Gleditsch & Ward: last spell began (state kept after it ended)"


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    src = sys.argv[1]
    un = read_csv(os.path.join(src, "states_un.csv"))
    # The source writes two codes as patterns (`^GB$|^UK$`): keep the ISO code.
    for r in un:
        if r["iso2"].startswith("^"):
            r["iso2"] = r["iso2"].split("|")[0].strip("^$")
    gw = read_csv(os.path.join(HERE, "data", "gw_statelist.tsv"), delimiter="\t")
    by2 = {r["iso2"]: r["iso3"] for r in un}
    # Codes the sources use that are not ISO 3166-1 alpha-2 (EU style, or withdrawn).
    by2.update({"UK": "GBR", "EL": "GRC", "TP": "TLS"})
    known = {r["iso3"] for r in un}

    states = []
    for r in sorted(un, key=lambda r: r["iso3"]):
        name = NAMES.get(r["iso3"], r["name"])
        assert "," not in name, name
        states.append([r["iso3"], r["iso2"], name, r["un_region"], r["continent"],
                       r["un_member_year"], r["gw_code"]])
    write_csv("states.csv",
              ["iso3", "iso2", "name", "region", "continent", "un_member_year", "gw_code"],
              states,
              ["The present-day state system: 193 UN members plus the Holy See, Palestine, Taiwan, the Cook Islands and Niue.",
               "ISO 3166-1 codes, short name, UN geoscheme sub-region (region), continent, year of UN membership, Gleditsch & Ward code.",
               "From the data table of country_converter 1.3.2 (country_data.tsv); built by scripts/build_states.py."])

    early, late = [], []
    for r in sorted(un, key=lambda r: r["iso3"]):
        iso3 = r["iso3"]
        if iso3 in SELF_GOVERNMENT:
            y, why = SELF_GOVERNMENT[iso3]
            early.append([iso3, y, "self-government: " + why])
        else:
            y, basis = entry_year(iso3, r["gw_code"], gw, 1950)
            if y is not None and y <= 1950:
                early.append([iso3, y, basis])
        if iso3 not in NOT_IN_1989:
            y, basis = entry_year(iso3, r["gw_code"], gw, 1989)
            late.append([iso3, max(y, 1816) if y else 1816, basis or "present"])
    write_csv("states_1848_1950.csv", ["iso3", "joins_year", "basis"], early,
              ["States in the system 1848-1950 and the year each enters it (present from the start if before 1848).",
               "Gleditsch & Ward (1999), 'A Revised List of Independent States since the Congress of Vienna', International",
               "Interactions 25:393-413, updated list (ksgmdw.txt; copied into scripts/data/gw_statelist.tsv): start of the",
               "spell active in 1950, predecessors merged (Germany, Czechoslovakia, Yugoslavia/Serbia). Baltic states keep",
               "their 1918 entry after 1940. New Zealand, Finland and Iceland enter as self-governing polities (basis column)."])
    write_csv("states_since_1989.csv", ["iso3", "joins_year", "basis"], late,
              ["States in the system from 1989 and the year each enters it (1816: present from the start).",
               "Gleditsch & Ward spell active in 1989 (predecessors merged: Germany, Czechoslovakia, Yugoslavia/Serbia),",
               "else the first spell after 1989; microstates our coding. Taiwan and Palestine left out (not able to join",
               "the UN treaties of the period)."])

    suff = read_csv(os.path.join(src, "womens_suffrage.csv"))
    # Where the source's code and name disagree, its year follows the name (North Korea
    # 1946, South Korea 1948 in the historical record), so the name decides.
    by_label = {"Korea, North": "PRK", "Korea, South": "KOR", "Saint Kitts and Nevis": "KNA"}
    seen, rows, dropped = set(), [], []
    for r in suff:
        if r["entity_flag_annotation"] != "state":
            dropped.append((r["country_in_source"], r["entity_flag_annotation"]))
            continue
        iso3 = by_label.get(r["country_in_source"]) or by2.get(r["iso2_in_source"])
        if iso3 is None or iso3 not in known:
            dropped.append((r["country_in_source"], "not in the state table"))
            continue
        if iso3 in seen:  # the Netherlands' second row (1949)
            dropped.append((r["country_in_source"], "duplicate"))
            continue
        seen.add(iso3)
        if not r["first_year_derived"]:
            dropped.append((r["country_in_source"], "never (source value 20000)"))
            continue
        rows.append([iso3, int(r["first_year_derived"])])
    rows.sort()
    write_csv("womens_suffrage_by_state.csv", ["iso3", "year"], rows,
              ["Women's suffrage at national level: first year per present-day state (first_year_derived).",
               "Source: AnyChart world-map demo data citing Wikipedia, 'Women First Granted Suffrage at National Level'.",
               "Entities flagged state only; the Netherlands once (1919); see scenarios/data/README.md for what was dropped."])
    for d in dropped:
        print("  suffrage dropped:", d)

    crc = read_csv(os.path.join(src, "crc.csv"))
    rows = []
    for r in crc:
        if r["state party"] != "1":
            continue
        rows.append([by2[r["iso2"]], int(r["year ratification or accession"])])
    rows.sort()
    write_csv("crc_by_state.csv", ["iso3", "year"], rows,
              ["Convention on the Rights of the Child: year of ratification or accession per UN member state.",
               "Source: world-politics-datalab/humanrights-treaties-ratification-status, hr_status_crc.csv (commit a183f270),",
               "from the UN Treaty Collection. Year only. The United States (signatory only) is absent."])


if __name__ == "__main__":
    main()
