"""The intermediate model the planner builds and the templates render.

Every decision (names, annotations, defaults, docstrings) is made while planning; the templates only
print these values.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FieldPlan:
    """One field of a generated Struct."""

    name: str
    json_name: str
    annotation: str
    default: str | None  # Python source of the default, None when required


@dataclass
class ModelPlan:
    """One generated msgspec Struct."""

    name: str
    doc: str
    fields: list[FieldPlan]
    tag_field: str | None = None
    tag: str | None = None
    sources: list[str] = field(default_factory=list)

    @property
    def needs_rename(self) -> bool:
        """Whether any field's Python name differs from its JSON key."""
        return any(f.name != f.json_name for f in self.fields)


@dataclass
class UnionPlan:
    """A type alias for a tagged union of Structs."""

    name: str
    doc: str
    members: list[str]

    @property
    def definition(self) -> str:
        """The alias's definition in the models module, wrapped as ruff formats a long one."""
        line = f"{self.name}: TypeAlias = {' | '.join(self.members)}"
        if len(line) <= 100:
            return line
        return f"{self.name}: TypeAlias = (\n    {' | '.join(self.members)}\n)"


@dataclass
class ParamPlan:
    """One parameter of a generated method."""

    name: str
    json_name: str
    location: str  # "path", "query" or "body"
    annotation: str
    required: bool
    description: str
    choices: list[str] | None = None
    tmdb_default: str | None = None  # what TMDB uses when the parameter is left out
    positional: bool = False  # may be passed by position as well as by keyword
    # The run-time kind checked before sending (a key of tmdbfusion._params.KINDS); None when
    # the value is checked against ``choices`` instead.
    check: str | None = None

    def __post_init__(self) -> None:
        # Path parameters always may: ``client.movies.details(550)``.
        self.positional = self.positional or self.location == "path"

    @property
    def default_suffix(self) -> str:
        """What follows the annotation in a signature: optional parameters default to None."""
        return "" if self.required else " | None = None"


@dataclass
class OperationPlan:
    """One generated method, present on both the sync and the async resource."""

    namespace: str
    name: str
    http_method: str
    path: str
    summary: str
    description: str
    params: list[ParamPlan]
    return_annotation: str
    cast_to: str
    paginated: bool = False
    page_model: str | None = None
    item_annotation: str | None = None
    doc_lines: list[str] = field(default_factory=list)
    # Safe to repeat by TMDB's semantics (reads, deletes, setting a rating or a flag): the
    # client retries it after any transient failure, not only when it cannot have arrived.
    idempotent: bool = False

    @property
    def idempotent_write(self) -> bool:
        """Whether the request call must say ``idempotent=True`` (reads are idempotent anyway)."""
        return self.idempotent and self.http_method != "GET"

    @property
    def sync_return(self) -> str:
        """The sync method's return annotation."""
        return f"SyncPage[{self.return_annotation}]" if self.paginated else self.return_annotation

    @property
    def async_return(self) -> str:
        """What awaiting (or, for lists, calling) the async method gives."""
        return f"AsyncPager[{self.return_annotation}]" if self.paginated else self.return_annotation

    @property
    def path_params(self) -> list[ParamPlan]:
        """Path parameters, in path order."""
        return [p for p in self.params if p.location == "path"]

    @property
    def positional_params(self) -> list[ParamPlan]:
        """Parameters that may be passed by position: path parameters, then a search's query."""
        return [p for p in self.params if p.positional]

    @property
    def keyword_params(self) -> list[ParamPlan]:
        """Parameters that must be passed by keyword, in signature order."""
        return [p for p in self.params if not p.positional]

    @property
    def query_params(self) -> list[ParamPlan]:
        """Query parameters."""
        return [p for p in self.params if p.location == "query"]

    @property
    def body_params(self) -> list[ParamPlan]:
        """Request body fields."""
        return [p for p in self.params if p.location == "body"]

    @property
    def typed_params(self) -> list[ParamPlan]:
        """Parameters whose type is checked before sending, in signature order."""
        return [p for p in self.params if p.check]

    @property
    def argument_types(self) -> str:
        """Name of the module constant holding the operation's ``ArgumentTypes``."""
        return f"_{self.name.upper()}_ARGUMENTS"

    @property
    def choice_params(self) -> list[ParamPlan]:
        """Parameters whose values are checked against a closed set before sending."""
        return [p for p in self.params if p.choices]


@dataclass
class NamespacePlan:
    """One resource class pair (``MoviesResource`` / ``AsyncMoviesResource``)."""

    name: str
    class_name: str
    module: str
    operations: list[OperationPlan]
    model_imports: list[str] = field(default_factory=list)
    typing_imports: list[str] = field(default_factory=list)
    needs_datetime: bool = False
    needs_sequence: bool = False
    needs_mapping: bool = False
    access: str = ""  # how the client reaches it: "movies", "v4.lists"

    def __post_init__(self) -> None:
        self.access = self.access or self.name


@dataclass
class Plan:
    """Everything the renderer needs."""

    models: list[ModelPlan]
    unions: list[UnionPlan]
    namespaces: list[NamespacePlan]

    @property
    def model_names(self) -> set[str]:
        """Every model and union name (what type annotations may refer to)."""
        return {m.name for m in self.models} | {u.name for u in self.unions}
