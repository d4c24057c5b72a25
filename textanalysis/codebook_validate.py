"""Codebook validation: turn YAML and pydantic problems into one clear message each."""

from __future__ import annotations

import yaml
from pydantic import ValidationError

from .codebook import Codebook
from .errors import CodebookError


def validate_codebook_text(text: str, source: str = "<codebook>") -> Codebook:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CodebookError("C010", f"Codebook '{source}' is not valid YAML: {exc}. Fix the YAML syntax.") from None
    if not isinstance(data, dict):
        raise CodebookError(
            "C011", f"Codebook '{source}' must be a YAML mapping with 'name' and 'codes'; got {type(data).__name__}."
        )
    try:
        cb = Codebook.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(x) for x in first["loc"])
        raise CodebookError("C012", f"Codebook '{source}': {loc}: {first['msg']}.") from None
    seen: set[str] = set()
    for code, _, _ in cb.iter_codes():
        if code.id in seen:
            raise CodebookError("C013", f"Codebook '{source}': duplicate code id '{code.id}'. Ids must be unique.")
        seen.add(code.id)
    return cb
