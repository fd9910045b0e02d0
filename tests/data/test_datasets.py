"""Dataset files: rewriting in place (replace and remove by id) and reading back, every format."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from tmdbfusion.datasets import DatasetError, open_dataset
from tmdbfusion.models import MovieDetails
from tmdbfusion.testing import sample_json


def _movie(movie_id: int, title: str) -> MovieDetails:
    # Every field the real API always sends is required: build a full movie, then name it.
    sample = sample_json(MovieDetails, seed=movie_id, title=title, genres=[])
    return msgspec.convert(sample, MovieDetails)


@pytest.mark.parametrize("suffix", ["jsonl", "csv", "parquet"])
def test_replace_swaps_updated_items_and_drops_removed_ones(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"movies.{suffix}"
    columns = None if suffix == "jsonl" else ["title"]
    with open_dataset(path, columns=columns, item_type=MovieDetails) as dataset:
        for movie_id in (1, 2, 3):
            dataset.write(_movie(movie_id, f"Old {movie_id}"))
    dataset = open_dataset(path, item_type=MovieDetails)
    assert dataset.replace({2: _movie(2, "New 2")}, removed={3}) == (1, 1)
    titles = {int(r["id"]): r["title"] for r in dataset.records()}
    assert titles == {1: "Old 1", 2: "New 2"}
    assert dataset.existing_ids() == {1, 2}
    assert not list(tmp_path.glob(".*.tmp"))


def test_resuming_with_other_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "movies.csv"
    with open_dataset(path, columns=["title"], item_type=MovieDetails) as dataset:
        dataset.write(_movie(1, "One"))
    with pytest.raises(DatasetError, match="has the columns id, title"):
        open_dataset(path, columns=["runtime"], item_type=MovieDetails)


def test_a_bad_line_is_reported_with_its_number(tmp_path: Path) -> None:
    path = tmp_path / "movies.jsonl"
    path.write_bytes(b'{"id": 1}\nnot json\n')
    with pytest.raises(DatasetError, match=r"movies.jsonl:2"):
        open_dataset(path).existing_ids()
