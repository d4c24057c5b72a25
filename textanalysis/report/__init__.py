"""Results: theme frequencies like the report's figure 34, cross-tabs and wave comparison.

Everything here works on plain DataFrames (the canonical *answer units* and *codes*
tables of ``docs/architecture.md``), so it is testable without a database; the
``*_from_store`` variants only fetch those tables from a :class:`~textanalysis.store.Store`.

Counting rules, the same everywhere (tables, cross-tabs, charts, exports):

* **N** is the number of respondents with at least one substantive unit for the
  question. Non-answers ("nvt", "-", empty) stay stored but are out of N, and codes
  on them are not counted.
* A respondent counts **once** per code however many of their units carry it;
  ``mentions`` counts units.
* **Percentages** are whole percents of N, rounded half up as SPSS/Excel and the
  report do (12.5 -> 13), computed in integers, so not Python's banker's rounding.
  Several codes per respondent are allowed, so percentages need not add up to 100.
* **Roll-up**: with a codebook, a parent code counts each respondent with the parent
  itself or any descendant once.
* **Which decisions count**: human-confirmed sources by default (``manual``,
  ``suggestion`` accepted by a human, ``adjudicated``); ``include_auto=True`` adds
  auto-coded decisions, counted apart in ``respondents_auto`` so machine counts are
  never mistaken for confirmed ones. ``coder=`` restricts to one coder, e.g.
  ``coder="consensus"`` for the adjudicated set; without it a unit counts as coded when
  any coder applied the code. In the database the choice is explicit (:mod:`.codings`):
  one coder, the consensus (agreed or adjudicated codes), or every code any coder gave.
* **Partial results**: while coding is incomplete, N counts only the respondents the
  chosen coding has coded (all their substantive answers); the others are missing, in
  tables and in every export (SPSS system-missing), never "niet genoemd" = 0.

Error codes (:class:`~textanalysis.errors.ReportError`): R001 CSV file missing, R002 missing
column, R003 coded unit ids not in the answers, R004 codes not in the codebook, R005 N=0,
R006 unknown attribute, R007 unknown output format/level, R008 output folder missing,
R009 waves cannot be told apart, R010 duplicate unit ids, R011 unknown respondent column,
R012 unknown coder, R013 bad top-k, R014 bad chart file, R015 CSV and database input mixed,
R016 several waves counted together, R040 CSV not UTF-8, R041 CSV empty, R042 CSV not
valid (quoting, fields).

Modules: :mod:`.counting` (the public counting core: :func:`coded` applies every rule above
once), :mod:`.tables` (frequencies, top-k, cross-tabs, waves), :mod:`.sources` (CLI CSV
files or the database), :mod:`.export` (coded data sets, formatted tables), :mod:`.charts`
(Altair figures), :mod:`.commands` (glue of the ``frequencies`` and ``export`` commands).
``export`` and ``charts`` are imported on use (openpyxl, altair).
"""

from .codings import (
    ANY_CODER,
    ANY_LABEL,
    CONSENSUS,
    coded_text,
    coded_units,
    coding_codes,
    coding_options,
    consensus_codes,
)
from .commands import export_command, frequencies_command
from .counting import (
    AUTO_SOURCE,
    CONFIRMED_SOURCES,
    FREQUENCY_COLUMNS,
    NO_DATA,
    NOTE,
    Coded,
    FrequencyTable,
    as_bool,
    codebook_info,
    coded,
    first_value,
    member,
    percent_half_up,
    prepare_units,
    preview,
    question_of,
    require_columns,
    select_codes,
    table_n,
)
from .sources import (
    check_one_wave,
    compare_waves_from_store,
    crosstab_from_store,
    frequencies_as_of,
    frequencies_from_csv,
    frequencies_from_store,
    open_store,
    read_answers_csv,
    read_codes_csv,
    store_coding,
    store_tables,
    stored_codebook,
)
from .tables import (
    LEVELS,
    at_level,
    compare_waves,
    compare_waves_long,
    crosstab,
    frequencies,
    group_order,
    top_k,
)

__all__ = [
    "ANY_CODER",
    "ANY_LABEL",
    "at_level",
    "AUTO_SOURCE",
    "CONSENSUS",
    "coded_text",
    "coded_units",
    "coding_codes",
    "coding_options",
    "consensus_codes",
    "group_order",
    "store_coding",
    "CONFIRMED_SOURCES",
    "Coded",
    "FREQUENCY_COLUMNS",
    "FrequencyTable",
    "LEVELS",
    "NOTE",
    "NO_DATA",
    "as_bool",
    "check_one_wave",
    "codebook_info",
    "coded",
    "compare_waves",
    "compare_waves_from_store",
    "compare_waves_long",
    "crosstab",
    "crosstab_from_store",
    "export_command",
    "first_value",
    "frequencies",
    "frequencies_command",
    "frequencies_as_of",
    "frequencies_from_csv",
    "frequencies_from_store",
    "member",
    "open_store",
    "percent_half_up",
    "prepare_units",
    "preview",
    "question_of",
    "read_answers_csv",
    "read_codes_csv",
    "require_columns",
    "select_codes",
    "store_tables",
    "stored_codebook",
    "table_n",
    "top_k",
]
