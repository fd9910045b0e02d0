"""Pydantic v2 models of the same healed schemas, generated at bench time by datamodel-codegen.

The healed response schemas of the benchmarked operations are put in a throwaway OpenAPI document
(as ``components/schemas``, so the generator keeps the ``media_type`` discriminators and emits
pydantic's fast tagged unions), turned into a module in a temporary directory, and imported.
Nothing is written to the repository.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

from benchmarks.payloads import Payload


def class_name(payload: Payload) -> str:
    """The model class name used for a payload, e.g. ``MovieDetailsResponse``."""
    return "".join(part.title() for part in payload.key.split("_")) + "Response"


def _without_date_formats(schema: Any) -> Any:
    """The schema with date formats dropped: pydantic's date fields refuse TMDB's ``""``.

    So pydantic decodes dates as strings, less work than the generated models' real dates:
    the comparison leans, if anything, in pydantic's favour.
    """
    if isinstance(schema, dict):
        return {
            key: _without_date_formats(value)
            for key, value in schema.items()
            if not (key == "format" and value in ("date", "date-time"))
        }
    if isinstance(schema, list):
        return [_without_date_formats(item) for item in schema]
    return schema


def _openapi_document(payloads: list[Payload]) -> dict[str, Any]:
    schemas = {class_name(payload): _without_date_formats(payload.schema) for payload in payloads}
    return {
        "openapi": "3.1.0",
        "info": {"title": "tmdbfusion benchmark schemas", "version": "1"},
        "paths": {},
        "components": {"schemas": schemas},
    }


def generate_module(payloads: list[Payload], directory: Path) -> ModuleType:
    """Run datamodel-code-generator on the payloads' schemas and import the result.

    Parameters
    ----------
    payloads : list[Payload]
        Whose healed response schemas to model.
    directory : Path
        Where the schema and the generated module are written.

    Returns
    -------
    ModuleType
        The generated module; :func:`class_name` names its top-level models.
    """
    schema_file = directory / "schemas.json"
    module_file = directory / "tmdb_pydantic_models.py"
    schema_file.write_text(json.dumps(_openapi_document(payloads)), encoding="utf-8")
    command = [
        sys.executable,
        "-m",
        "datamodel_code_generator",
        "--input",
        str(schema_file),
        "--input-file-type",
        "openapi",
        "--output",
        str(module_file),
        "--output-model-type",
        "pydantic_v2.BaseModel",
        "--disable-timestamp",
    ]
    finished = subprocess.run(command, capture_output=True, text=True, check=False)
    if finished.returncode != 0:
        raise RuntimeError(
            f"datamodel-code-generator failed ({finished.returncode}):\n{finished.stderr}"
        )
    spec = importlib.util.spec_from_file_location("tmdb_pydantic_models", module_file)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import the generated {module_file}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # pydantic resolves forward references through it
    spec.loader.exec_module(module)
    return module


def pydantic_models(payloads: list[Payload]) -> dict[str, Any]:
    """Generate and import the pydantic model of each payload, by payload key."""
    with tempfile.TemporaryDirectory(prefix="tmdbfusion-bench-") as directory:
        module = generate_module(payloads, Path(directory))
    return {payload.key: getattr(module, class_name(payload)) for payload in payloads}
