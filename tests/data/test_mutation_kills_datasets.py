"""Datasets: formats from names, column kinds, exact messages, CSV text, and resumed files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

import msgspec
import pyarrow.parquet as pq
import pytest

from tmdbfusion.datasets import (
    Column,
    CSVDataset,
    DatasetError,
    JSONLinesDataset,
    ParquetDataset,
    flat_columns,
    format_of,
    open_dataset,
)
from tmdbfusion.datasets._columns import select_columns


class Deepest(msgspec.Struct):
    leaf: int


class Deeper(msgspec.Struct):
    inner: Deepest


class Deep(msgspec.Struct):
    deeper: Deeper


class Collection(msgspec.Struct):
    name: str
    deep: Deep | None = None


class Item(msgspec.Struct):
    id: int
    title: str
    adult: bool
    popularity: float
    status: Literal["Released", "Rumored"]
    order: Literal[1, 2]
    mixed: Literal[1, "x"]
    genres: list[str]
    either: int | str
    collection: Collection | None = None


class NoId(msgspec.Struct):
    title: str


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.jsonl", "jsonl"),
        ("a.NDJSON", "jsonl"),
        ("a.json", "jsonl"),
        ("a", "jsonl"),
        ("a.CSV", "csv"),
        ("a.parquet", "parquet"),
    ],
)
def test_the_format_comes_from_the_suffix(name: str, expected: str) -> None:
    assert format_of(name) == expected


def test_a_given_format_wins_over_the_suffix() -> None:
    assert format_of("a.csv", "parquet") == "parquet"
    assert format_of("a.data", "csv") == "csv"
    assert format_of("a.data", "jsonl") == "jsonl"
    dataset = open_dataset(Path("unused.data"), format="jsonl")
    assert isinstance(dataset, JSONLinesDataset)
    assert repr(dataset) == "JSONLinesDataset('unused.data')"


def test_an_unknown_suffix_says_how_to_name_the_file() -> None:
    with pytest.raises(ValueError) as caught:
        format_of(Path("out/movies.xlsx"))
    assert str(caught.value) == (
        "cannot tell the dataset format from 'out/movies.xlsx'; name it .jsonl, .csv or "
        ".parquet, or pass format="
    )


def test_an_unknown_format_is_named() -> None:
    with pytest.raises(ValueError) as caught:
        format_of("a.csv", "xlsx")
    assert str(caught.value) == "format must be one of jsonl, csv, parquet; got 'xlsx'"


def test_columns_are_flat_with_their_kinds_and_nesting_stops_at_three_levels() -> None:
    assert flat_columns(Item) == [
        Column("id", "int"),
        Column("title", "str"),
        Column("adult", "bool"),
        Column("popularity", "float"),
        Column("status", "str"),
        Column("order", "int"),
        Column("mixed", "json"),
        Column("genres", "json"),
        Column("either", "json"),
        Column("collection.name", "str"),
        Column("collection.deep.deeper.inner", "json"),
    ]


def test_flat_columns_needs_a_struct_type() -> None:
    with pytest.raises(TypeError) as caught:
        flat_columns(dict)
    assert str(caught.value) == "item_type must be a msgspec Struct type; got <class 'dict'>"


def test_select_columns_puts_id_first_and_keeps_all_by_default() -> None:
    available = flat_columns(Item)
    assert select_columns(available, None) == available
    assert [c.name for c in select_columns(available, [" title ", "id", "title", ""])] == [
        "id",
        "title",
    ]


def test_a_type_without_id_cannot_be_a_dataset() -> None:
    with pytest.raises(ValueError) as caught:
        select_columns(flat_columns(NoId), None)
    assert str(caught.value) == "a dataset needs an 'id' column to resume by; this type has none"


def test_unknown_columns_are_listed_with_close_matches() -> None:
    with pytest.raises(ValueError) as caught:
        select_columns(flat_columns(Item), ["titel", "zzz", "collection.nme"])
    assert str(caught.value) == (
        "unknown column(s): 'titel' (did you mean title?); 'zzz'; "
        "'collection.nme' (did you mean collection.name?). Columns are dotted JSON paths such as "
        "'title' or 'belongs_to_collection.name'."
    )


def test_at_most_three_close_matches_are_offered() -> None:
    class Many(msgspec.Struct):
        id: int
        name1: str
        name2: str
        name3: str
        name4: str

    with pytest.raises(ValueError) as caught:
        select_columns(flat_columns(Many), ["name"])
    assert "(did you mean name4, name3, name2?)" in str(caught.value)


def item(item_id: int, *, adult: bool = False) -> Item:
    return Item(
        id=item_id,
        title=f"Movie {item_id}",
        adult=adult,
        popularity=1.5,
        status="Released",
        order=1,
        mixed="x",
        genres=["Drama"],
        either=3,
    )


def test_csv_writes_booleans_and_missing_values_as_text(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "dir" / "movies.csv"
    columns = ["adult", "collection.name", "genres"]
    with open_dataset(out, columns=columns, item_type=Item) as dataset:
        dataset.write(item(1, adult=True))
        dataset.write(item(2))
    assert out.read_bytes() == (
        b'id,adult,collection.name,genres\n1,true,,"[""Drama""]"\n2,false,,"[""Drama""]"\n'
    )
    assert CSVDataset(out, None, Item).existing_ids() == {1, 2}


def test_csv_needs_the_item_type(tmp_path: Path) -> None:
    with pytest.raises(DatasetError) as caught:
        open_dataset(tmp_path / "m.csv").write(item(1))
    assert str(caught.value) == (
        "CSV needs the item type to know its columns; pass item_type= (e.g. MovieDetails)"
    )


def test_a_csv_without_an_id_header_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "m.csv"
    out.write_text("title\nx\n", encoding="utf-8")
    with pytest.raises(DatasetError) as caught:
        CSVDataset(out, None, Item).existing_ids()
    assert str(caught.value) == f"{out} does not start with a header naming an 'id' column"


def test_an_empty_csv_file_is_a_new_one(tmp_path: Path) -> None:
    out = tmp_path / "m.csv"
    out.write_bytes(b"")
    with open_dataset(out, columns=["title"], item_type=Item) as dataset:
        assert dataset.existing_ids() == set()
        dataset.write(item(3))
    assert out.read_text(encoding="utf-8") == "id,title\n3,Movie 3\n"


def test_resuming_a_csv_with_other_columns_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "m.csv"
    with open_dataset(out, columns=["title"], item_type=Item) as dataset:
        dataset.write(item(1))
    with pytest.raises(DatasetError) as caught:
        open_dataset(out, columns=["title", "adult"], item_type=Item).existing_ids()
    message = str(caught.value)
    assert message.endswith("id, title, adult. Resume with the same columns, or a new file.")


def test_a_csv_item_must_be_an_object(tmp_path: Path) -> None:
    with (
        pytest.raises(TypeError) as caught,
        open_dataset(tmp_path / "m.csv", item_type=Item) as dataset,
    ):
        dataset.write([1, 2])
    assert str(caught.value) == "a dataset item must be an object; got list"


def test_jsonl_writes_every_item_on_its_own_line_in_new_folders(tmp_path: Path) -> None:
    out = tmp_path / "a" / "b" / "m.jsonl"
    with open_dataset(out) as dataset:
        dataset.write({"id": 1, "title": "x" * 70_000})
        dataset.write({"id": 2})
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == [1, 2]
    assert len(json.loads(lines[0])["title"]) == 70_000
    with open_dataset(out) as again:
        assert again.existing_ids() == {1, 2}
        again.write({"id": 3})
    assert len(out.read_text(encoding="utf-8").splitlines()) == 3


def test_parquet_needs_the_item_type(tmp_path: Path) -> None:
    with pytest.raises(DatasetError) as caught:
        dataset = open_dataset(tmp_path / "m.parquet")
        dataset.write(item(1))
    assert str(caught.value) == (
        "Parquet needs the item type to know its columns; pass item_type= (e.g. MovieDetails)"
    )


def test_parquet_columns_are_typed_and_resumed_with_the_same_columns(tmp_path: Path) -> None:
    out = tmp_path / "m.parquet"
    with open_dataset(out, columns=["title", "adult", "popularity"], item_type=Item) as dataset:
        assert isinstance(dataset, ParquetDataset)
        dataset.write(item(1, adult=True))
        dataset.write(item(2))
    table = pq.read_table(out)
    assert table.column_names == ["id", "title", "adult", "popularity"]
    assert [str(f.type) for f in table.schema] == ["int64", "string", "bool", "double"]
    assert table.column("adult").to_pylist() == [True, False]
    assert not (tmp_path / "m.parquet.partial.jsonl").exists()
    with open_dataset(out, item_type=Item) as again:  # the file's own columns
        assert again.existing_ids() == {1, 2}
        again.write(item(3))
    assert pq.read_table(out).column("id").to_pylist() == [1, 2, 3]
    with pytest.raises(DatasetError) as caught:
        open_dataset(out, columns=["title"], item_type=Item).existing_ids()
    assert str(caught.value) == (
        f"{out} has the columns id, title, adult, popularity; asked for id, title. "
        "Use the same columns, or a new file."
    )


def test_parquet_without_pyarrow_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from tmdbfusion.datasets._parquet import _pyarrow

    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(DatasetError) as caught:
        _pyarrow()
    assert str(caught.value) == (
        "Parquet datasets need pyarrow: pip install 'tmdbfusion-sdk[parquet]'"
    )


def test_each_record_is_on_disk_as_soon_as_it_is_written(tmp_path: Path) -> None:
    out = tmp_path / "m.jsonl"
    dataset = open_dataset(out)
    dataset.write({"id": 1})
    assert out.read_bytes() == b'{"id":1}\n'  # before close: a killed run keeps it
    dataset.close()
    dataset.write({"id": 2})  # writing after close opens the file again
    dataset.close()
    dataset.close()
    assert out.read_bytes() == b'{"id":1}\n{"id":2}\n'


def test_parquet_stages_records_beside_the_file_until_closed(tmp_path: Path) -> None:
    out = tmp_path / "m.parquet"
    with open_dataset(out, columns=["title"], item_type=Item) as dataset:
        dataset.write(item(1))
        staging = tmp_path / "m.parquet.partial.jsonl"
        assert staging.is_file()
        assert json.loads(staging.read_text(encoding="utf-8"))["id"] == 1
    assert not staging.exists()
    assert pq.read_table(out).column("id").to_pylist() == [1]


def test_a_blank_jsonl_line_is_skipped_not_the_end(tmp_path: Path) -> None:
    out = tmp_path / "m.jsonl"
    out.write_bytes(b'{"id":1}\n\n{"id":2}\n')
    assert JSONLinesDataset(out, None, None).existing_ids() == {1, 2}
    assert out.read_bytes() == b'{"id":1}\n\n{"id":2}\n'


def test_a_damaged_jsonl_line_is_named_with_what_to_do(tmp_path: Path) -> None:
    out = tmp_path / "m.jsonl"
    out.write_bytes(b'{"id":1}\n{"title":"no id"}\n')
    with pytest.raises(DatasetError) as caught:
        JSONLinesDataset(out, None, None).existing_ids()
    message = str(caught.value)
    assert message.startswith(f"{out}:2: not a JSON object with an integer id (")
    assert message.endswith("); fix or remove that line, then run again")


@pytest.mark.parametrize("torn", [b'3,"unterminated', b"3,Movie 3", b"3\n", b"3,Movie 3,extra\n"])
def test_a_torn_last_csv_row_is_cut_off(tmp_path: Path, torn: bytes) -> None:
    out = tmp_path / "m.csv"
    good = b"id,title\n1,Movie 1\n2,Movie 2\n"
    out.write_bytes(good + torn)
    dataset = CSVDataset(out, None, Item)
    assert dataset.existing_ids() == {1, 2}
    assert out.read_bytes() == good
    assert list(dataset.records()) == [
        {"id": "1", "title": "Movie 1"},
        {"id": "2", "title": "Movie 2"},
    ]


@pytest.mark.parametrize("suffix", ["jsonl", "csv", "parquet"])
def test_replace_counts_every_replaced_and_dropped_item(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"m.{suffix}"
    with open_dataset(out, columns=["title"], item_type=Item) as dataset:
        for n in range(1, 6):
            dataset.write(item(n))
    dataset = open_dataset(out, columns=["title"], item_type=Item)
    assert dataset.replace({1: item(1), 2: item(2)}, [3, 4]) == (2, 2)
    assert dataset.existing_ids() == {1, 2, 5}


def test_parquet_replace_keeps_the_types_and_the_new_values(tmp_path: Path) -> None:
    out = tmp_path / "m.parquet"
    with open_dataset(out, columns=["title", "popularity"], item_type=Item) as dataset:
        for n in range(1, 4):
            dataset.write(item(n))
    renamed = item(2)
    renamed.title = "Renamed"
    dataset = open_dataset(out, columns=["title", "popularity"], item_type=Item)
    assert dataset.replace({2: renamed}, [3, 99]) == (1, 1)
    table = pq.read_table(out)
    assert [str(f.type) for f in table.schema] == ["int64", "string", "double"]
    assert table.column("title").to_pylist() == ["Movie 1", "Renamed"]
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert dataset.replace({}, []) == (0, 0)
    assert pq.read_table(out).num_rows == 2
