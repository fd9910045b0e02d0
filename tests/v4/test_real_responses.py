"""Real v4 responses recorded by other projects decode into our v4 models without losing a field.

The files stay in ``../shared/real-responses/v4`` (never copied into the repository); the test is
skipped where that folder is absent.
"""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest

from tests.shared_data import REAL_RESPONSES
from tmdbfusion.models import v4 as models

SHARED = REAL_RESPONSES / "v4"
MODEL_BY_PATH = {
    "/4/account/{account_object_id}/lists": models.ListSummaryPage,
    "/4/list/{list_id}": models.ListDetails,
}


def _recorded() -> list[tuple[str, type, Any]]:
    manifest = SHARED / "MANIFEST.json"
    if not manifest.is_file():
        return []
    entries = json.loads(manifest.read_text(encoding="utf-8"))
    return [
        (
            entry["file"],
            MODEL_BY_PATH[entry["path_template"]],
            json.loads((SHARED / entry["file"]).read_text(encoding="utf-8")),
        )
        for entry in entries
        if entry["path_template"] in MODEL_BY_PATH
    ]


RECORDED = _recorded()


def _lost_keys(value: Any, decoded: Any, where: str = "") -> list[str]:
    """Keys of the real JSON that the decoded model has no field for."""
    if isinstance(value, dict) and isinstance(decoded, dict):
        return [
            lost
            for key in value
            for lost in _lost_keys(value[key], decoded.get(key), f"{where}.{key}")
        ] + [f"{where}.{key}" for key in value if key not in decoded]
    if isinstance(value, list) and isinstance(decoded, list):
        return [
            lost
            for a, b in zip(value, decoded, strict=True)
            for lost in _lost_keys(a, b, f"{where}[]")
        ]
    return []


@pytest.mark.skipif(not RECORDED, reason="the shared real responses are not next to the checkout")
@pytest.mark.parametrize(("name", "model", "body"), RECORDED, ids=[r[0] for r in RECORDED])
def test_real_v4_response_decodes_losslessly(name: str, model: type, body: Any) -> None:
    decoded = msgspec.json.decode(json.dumps(body).encode(), type=model)
    back = msgspec.to_builtins(decoded)
    # Tagged union members drop their tag field into the type: put it back to compare.
    for item, original in zip(back.get("results", []), body.get("results", []), strict=True):
        if "media_type" in original:
            item["media_type"] = original["media_type"]
    assert _lost_keys(body, back) == []


def test_every_recorded_v4_operation_is_covered() -> None:
    if not RECORDED:
        pytest.skip("the shared real responses are not next to the checkout")
    assert {model for _, model, _ in RECORDED} == set(MODEL_BY_PATH.values())
