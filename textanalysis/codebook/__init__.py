"""Codebooks: the model (:mod:`.model`), validation with line numbers (:mod:`.validate`), the
one set of edit operations (:mod:`.edit`) and REFI-QDA exchange (:mod:`.refi`).

A codebook is owned by method specialists and read by every other part of the tool:
rules take ``keywords``/``patterns``, the similarity suggester takes ``label``,
``description`` and ``examples``, reports take labels and the hierarchy (a parent
counts every respondent with any child).
"""

from .edit import attach, bump_version, edit_code, find_code, revalidate
from .model import Code, Codebook, Pattern, unknown_code_error
from .validate import (
    MAX_CODEBOOK_BYTES,
    check_codebook_file,
    check_codebook_text,
    load_codebook,
    parse_codebook,
)

__all__ = [
    "attach",
    "MAX_CODEBOOK_BYTES",
    "Code",
    "Codebook",
    "Pattern",
    "bump_version",
    "check_codebook_file",
    "check_codebook_text",
    "edit_code",
    "find_code",
    "load_codebook",
    "parse_codebook",
    "revalidate",
    "unknown_code_error",
]
