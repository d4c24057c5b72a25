"""Build the constructed demo survey exports (and the gold codes) in ``data/``.

Deterministic: run ``python data/make_demo.py`` and the same files come out. The answer
texts and their hand-assigned codes live in ``data/demo_answers.py``; this script only
decides which (fake) municipality gave which answer, how the cell was typed, and writes
the CSV / Excel / SPSS exports the way a survey tool would. See ``data/README.md``.

``python data/make_demo.py --gold`` also (re)writes ``data/gold/`` from what
``textanalysis.ingest`` makes of the Excel export, checking that every unit the importer
produces is a unit that was hand-coded.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import demo_answers as A  # noqa: E402

SEED = 2022

# Column names of the export (SPSS-style short names; the question text is the variable label).
ID = "gemeente_id"
QUESTION_COLUMNS = {
    "Q53": "q53_geleerde_lessen",
    "Q58": "q58_beleidsontwikkelingen",
    "Q60": "q60_knelpunten",
}
VARIABLE_LABELS = {
    ID: "Respondentnummer (gemeente)",
    "startdatum": "Starttijd invullen vragenlijst",
    "naam": "1. Wat is uw naam?",
    "functie": "2. Wat is uw functie?",
    "email": "64. Mailadres voor aanvullende vragen",
    "inwonersklasse": "4. Wat is het aantal inwoners van deze gemeente?",
    "g40": "Gemeente behoort tot de G40",
    "peiljaar": "Jaar van de peiling",
    "wijkteams": "5. Zijn er in uw gemeente één of meerdere (wijk)teams actief?",
    "q53_geleerde_lessen": "53. Wat zijn de belangrijkste geleerde lessen vanuit bovengenoemd onderzoek "
    "over het functioneren van het (wijk)team?",
    "q58_beleidsontwikkelingen": "58. Wat zijn de belangrijkste actuele beleidsontwikkelingen waarmee de "
    "(wijk)teams recent of in de nabije toekomst aan de slag (zullen) gaan? (benoem maximaal 3 ontwikkelingen)",
    "q60_knelpunten": "60. Indien de (wijk)teams in uw gemeente knelpunten ervaren, wat zijn de grootste "
    "knelpunten?",
}

# Answer categories of question 4 in the 2022 questionnaire (Bijlage 2), with SPSS codes.
INWONERSKLASSE = {
    1: "< 50.000",
    2: "50.001 - 100.000",
    3: "100.001 - 250.000",
    4: "250.001 - 500.000",
    5: "> 500.000",
}
JA_NEE = {1: "ja", 0: "nee"}

# 90 municipalities as in the report: 57 under 50,000 inhabitants (63%), 16 with 50-100k,
# 14 with 100-250k, two G4 cities (one 250-500k, one > 500k) and one more 250-500k city.
# 18 belong to the G40 (20%); 72 (80%) work with social neighbourhood teams.
# (klasse, g40, wijkteams, count)
STRATA_2022 = [
    (1, 0, 1, 46),
    (1, 0, 0, 11),
    (2, 1, 1, 4),
    (2, 0, 1, 6),
    (2, 0, 0, 6),
    (3, 1, 1, 13),
    (3, 0, 0, 1),
    (4, 1, 1, 1),
    (4, 0, 1, 1),
    (5, 0, 1, 1),
]

FIRST = [
    "Anne",
    "Bas",
    "Carla",
    "Dirk",
    "Els",
    "Frank",
    "Greet",
    "Hans",
    "Ilse",
    "Jeroen",
    "Karin",
    "Lars",
    "Marloes",
    "Niels",
    "Olga",
    "Pieter",
    "Ria",
    "Sander",
    "Tineke",
    "Wouter",
]
LAST = [
    "de Boer",
    "Jansen",
    "van Dijk",
    "Smit",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Kok",
    "Verhoeven",
    "Post",
    "Kuipers",
    "van der Meer",
]
FUNCTIES = [
    "Beleidsmedewerker Wmo",
    "beleidsadviseur sociaal domein",
    "Beleidsmedewerker jeugd",
    "Teamleider toegang",
    "Senior beleidsadviseur Wmo/Jeugd",
    "Manager sociaal domein",
    "beleidsmedewerker",
    "Coördinator wijkteams",
    "Strategisch adviseur sociaal domein",
    "Kwartiermaker wijkteam",
]
NON_ANSWERS = ["nvt", "n.v.t.", "-", "geen", "weet niet", "Nvt", "x", "NVT"]


def join_units(style: str, texts: list[str], variant: int) -> str:
    """Type the points of one answer into one cell, the way respondents do."""
    if style == "single":
        return texts[0]
    if style == "num":
        fmt = "{i}. {t}" if variant % 3 else "{i}) {t}"
        return "\n".join(fmt.format(i=i, t=t) for i, t in enumerate(texts, 1))
    if style == "alpha":
        return "\n".join(f"{chr(96 + i)}) {t}" for i, t in enumerate(texts, 1))
    if style == "bullet":
        return "\n".join(f"• {t}" for t in texts)
    if style == "dash":
        return "\n".join(f"- {t}" for t in texts)
    if style == "nl":
        return "\n".join(texts)
    if style == "semi":
        return "; ".join(texts)
    raise ValueError(f"unknown style {style!r}")


def _person(rng: random.Random, rid: str) -> tuple[str, str, str]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    initial = first[0].lower()
    surname = last.split()[-1].lower()
    email = f"{initial}.{surname}@gemeente{rid[1:]}.example.nl"
    return f"{first} {last}", rng.choice(FUNCTIES), email


def _assign(rng: random.Random, ids: list[str], answers: list, n_blank_extra: int = 0) -> dict:
    """Give each answer to a different id; a few of the other ids write a non-answer."""
    chosen = rng.sample(ids, len(answers))
    out = {rid: ans for rid, ans in zip(chosen, answers, strict=True)}
    rest = [r for r in ids if r not in out]
    for rid in rng.sample(rest, min(n_blank_extra, len(rest))):
        out[rid] = rng.choice(NON_ANSWERS)
    return out


def _cell(value, variant: int) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    style, units = value
    return join_units(style, [t for t, _ in units], variant)


def build_2022() -> tuple[pd.DataFrame, dict[tuple[str, str], list[tuple[str, list[str]]]]]:
    """The 2022 export (with duplicate/partial submissions) and the hand codes per (id, question)."""
    rng = random.Random(SEED)
    rows_attr = []
    for klasse, g40, teams, n in STRATA_2022:
        rows_attr += [(klasse, g40, teams)] * n
    rng.shuffle(rows_attr)
    ids = [f"G{i:03d}" for i in range(1, len(rows_attr) + 1)]
    attrs = dict(zip(ids, rows_attr, strict=True))
    team_ids = [r for r in ids if attrs[r][2] == 1]

    per_q = {
        "Q53": _assign(rng, team_ids, A.Q53, n_blank_extra=4),
        "Q58": _assign(rng, team_ids, A.Q58, n_blank_extra=3),
        "Q60": _assign(rng, team_ids, A.Q60, n_blank_extra=9),
    }
    gold: dict[tuple[str, str], list[tuple[str, list[str]]]] = {}
    for q, assigned in per_q.items():
        for rid, ans in assigned.items():
            if not isinstance(ans, str):
                gold[(rid, q)] = [(t, codes.split()) for t, codes in ans[1]]

    start = datetime(2022, 9, 12, 9, 0)
    rows = []
    for n, rid in enumerate(ids):
        klasse, g40, teams = attrs[rid]
        naam, functie, email = _person(rng, rid)
        row = {
            ID: rid,
            "startdatum": start
            + timedelta(hours=rng.randint(0, 24 * 90), minutes=rng.randint(0, 59)),
            "naam": naam,
            "functie": functie,
            "email": email if rng.random() < 0.7 else "",
            "inwonersklasse": klasse,
            "g40": g40,
            "peiljaar": 2022,
            "wijkteams": teams,
        }
        for q, col in QUESTION_COLUMNS.items():
            row[col] = _cell(per_q[q].get(rid), n)
        rows.append(row)

    # Duplicate and partial submissions (report section 1.2): the same municipality started
    # the questionnaire more than once; the most complete submission is the one to keep.
    by_id = {r[ID]: r for r in rows}
    answered_all = [r for r in team_ids if all(by_id[r][c] for c in QUESTION_COLUMNS.values())]
    dups = rng.sample(answered_all, 3)
    for k, rid in enumerate(dups):
        full = by_id[rid]
        partial = dict(full)
        partial["email"] = ""
        partial[QUESTION_COLUMNS["Q58"]] = ""
        partial[QUESTION_COLUMNS["Q60"]] = ""
        # A first, abandoned start typed only a short version of the first point.
        first_q53 = full[QUESTION_COLUMNS["Q53"]].split("\n")[0]
        partial[QUESTION_COLUMNS["Q53"]] = first_q53.split(",")[0] if k != 2 else ""
        # Two partial submissions came first (abandoned, later restarted), one came after.
        delta = timedelta(days=-3 - k) if k < 2 else timedelta(days=2)
        partial["startdatum"] = full["startdatum"] + delta
        partial["naam"] = full["naam"] if k != 1 else _person(rng, rid)[0]
        rows.append(partial)

    df = pd.DataFrame(rows).sort_values("startdatum", kind="stable").reset_index(drop=True)
    df["startdatum"] = df["startdatum"].dt.floor("min")
    return df, gold


def build_2019(ids_2022: list[str], attrs_2022: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """A smaller 2019-style wave: 50 municipalities, 36 of them also in 2022, only Q60 open."""
    rng = random.Random(SEED - 3)
    team_2022 = attrs_2022[attrs_2022["wijkteams"] == 1][ID].tolist()
    overlap = sorted(rng.sample(team_2022, 36))
    new = [f"G{i:03d}" for i in range(91, 105)]
    ids = overlap + new
    attr = attrs_2022.set_index(ID)
    klassen = {r: int(attr.loc[r, "inwonersklasse"]) for r in overlap}
    g40 = {r: int(attr.loc[r, "g40"]) for r in overlap}
    for r in new:
        klassen[r] = rng.choice([1, 1, 1, 2, 3])
        g40[r] = 1 if klassen[r] == 3 else 0
    teams = {r: 1 for r in ids}
    for r in rng.sample(new, 5):
        teams[r] = 0
    with_teams = [r for r in ids if teams[r]]
    q60 = _assign(rng, with_teams, A.Q60_2019, n_blank_extra=3)
    start = datetime(2019, 6, 3, 9, 0)
    rows = []
    for n, rid in enumerate(ids):
        naam, functie, email = _person(rng, rid)
        rows.append(
            {
                ID: rid,
                "startdatum": start + timedelta(hours=rng.randint(0, 24 * 60)),
                "naam": naam,
                "functie": functie,
                "email": email if rng.random() < 0.6 else "",
                "inwonersklasse": klassen[rid],
                "g40": g40[rid],
                "peiljaar": 2019,
                "wijkteams": teams[rid],
                QUESTION_COLUMNS["Q60"]: _cell(q60.get(rid), n),
            }
        )
    gold = {
        (rid, "Q60"): [(t, c.split()) for t, c in ans[1]]
        for rid, ans in q60.items()
        if not isinstance(ans, str)
    }
    df = pd.DataFrame(rows).sort_values("startdatum", kind="stable").reset_index(drop=True)
    return df, gold


def labelled(df: pd.DataFrame) -> pd.DataFrame:
    """Value labels applied: what an Excel/CSV export of the survey tool shows."""
    out = df.copy()
    out["inwonersklasse"] = out["inwonersklasse"].map(INWONERSKLASSE)
    out["g40"] = out["g40"].map(JA_NEE)
    out["wijkteams"] = out["wijkteams"].map(JA_NEE)
    out["startdatum"] = out["startdatum"].dt.strftime("%d-%m-%Y %H:%M")
    return out


def write_exports(df: pd.DataFrame, stem: str, sav: bool) -> None:
    lab = labelled(df)
    lab.to_csv(
        HERE / f"{stem}.csv", sep=";", index=False, encoding="utf-8", quoting=csv.QUOTE_MINIMAL
    )
    with pd.ExcelWriter(HERE / f"{stem}.xlsx", engine="openpyxl") as xl:
        lab.to_excel(xl, sheet_name="Resultaten", index=False)
    if sav:
        import pyreadstat  # noqa: PLC0415

        pyreadstat.write_sav(
            df,
            str(HERE / f"{stem}.sav"),
            column_labels={c: VARIABLE_LABELS.get(c, c) for c in df.columns},
            variable_value_labels={
                "inwonersklasse": INWONERSKLASSE,
                "g40": JA_NEE,
                "wijkteams": JA_NEE,
            },
            variable_measure={
                "inwonersklasse": "ordinal",
                "g40": "nominal",
                "wijkteams": "nominal",
            },
        )
        _fix_sav_timestamp(HERE / f"{stem}.sav")
    _fix_xlsx_mtime(HERE / f"{stem}.xlsx")


def _fix_sav_timestamp(path: Path) -> None:
    """The .sav header holds the creation date (9 bytes at 92) and time (8 bytes at 101); pin them."""
    raw = bytearray(path.read_bytes())
    raw[92:101] = b"15 Jan 23"
    raw[101:109] = b"12:00:00"
    path.write_bytes(bytes(raw))


def _fix_xlsx_mtime(path: Path) -> None:
    """openpyxl stamps the current time into docProps/core.xml; pin it so reruns give identical files."""
    import zipfile  # noqa: PLC0415

    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "docProps/core.xml":
                import re  # noqa: PLC0415

                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2023-01-15T12:00:00Z", data)
            info = zipfile.ZipInfo(item.filename, date_time=(2023, 1, 15, 12, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(info, data)
    tmp.replace(path)


def write_gold(
    gold: dict, xlsx: Path, wave_suffix: str = "", questions=("Q53", "Q58", "Q60")
) -> None:
    """Write data/gold/<Q>{suffix}_answers.csv and _gold.csv from the importer's own units."""
    from textanalysis.ingest import ingest_file  # noqa: PLC0415

    units = ingest_file(
        xlsx,
        id_column=ID,
        questions={q: QUESTION_COLUMNS[q] for q in questions},
        attributes=["inwonersklasse", "g40"],
        duplicates="most-complete",
    ).units
    gold_dir = HERE / "gold"
    gold_dir.mkdir(exist_ok=True)
    for q in questions:
        u = units[(units["question_id"] == q) & units["substantive"]].copy()
        u = u.sort_values(["respondent_id", "unit_index"])
        answers, codes = [], []
        seen_resp = set()
        for rid, grp in u.groupby("respondent_id", sort=True):
            hand = gold.get((rid, q))
            texts = grp["text"].tolist()
            if hand is None or [t for t, _ in hand] != texts:
                raise SystemExit(
                    f"{q} {rid}: importer units {texts!r} differ from the hand-coded units "
                    f"{[t for t, _ in hand] if hand else None!r}; fix demo_answers.py or join_units()."
                )
            seen_resp.add(rid)
            for idx, (text, (_, hand_codes)) in zip(
                grp["unit_index"], zip(texts, hand, strict=True), strict=True
            ):
                uid = f"{rid}_{q}_{int(idx)}"
                answers.append({"id": uid, "respondent_id": rid, "text": text})
                codes += [{"id": uid, "code": c} for c in hand_codes]
        missing = {rid for (rid, qq) in gold if qq == q} - seen_resp
        if missing:
            raise SystemExit(
                f"{q}: hand-coded answers of {sorted(missing)} were not imported as substantive."
            )
        pd.DataFrame(answers).to_csv(
            gold_dir / f"{q}{wave_suffix}_answers.csv", index=False, encoding="utf-8"
        )
        pd.DataFrame(codes).to_csv(
            gold_dir / f"{q}{wave_suffix}_gold.csv", index=False, encoding="utf-8"
        )


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--gold", action="store_true", help="also write data/gold/ via textanalysis.ingest"
    )
    args = ap.parse_args(argv)
    df22, gold22 = build_2022()
    write_exports(df22, "peiling2022", sav=True)
    attrs = df22.drop_duplicates(ID)[[ID, "inwonersklasse", "g40", "wijkteams"]]
    df19, gold19 = build_2019(sorted(attrs[ID]), attrs)
    write_exports(df19, "peiling2019", sav=False)
    print(
        f"peiling2022: {len(df22)} rows, {df22[ID].nunique()} municipalities; "
        f"peiling2019: {len(df19)} rows"
    )
    if args.gold:
        sys.path.insert(0, str(HERE.parent))
        write_gold(gold22, HERE / "peiling2022.xlsx")
        write_gold(gold19, HERE / "peiling2019.xlsx", wave_suffix="_2019", questions=("Q60",))
        print(f"gold written to {HERE / 'gold'}")


if __name__ == "__main__":
    main()
