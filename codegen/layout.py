"""Where one API version's generated files go, and how they refer to each other.

v3 fills ``tmdbfusion.models``, ``tmdbfusion.resources.<namespace>`` and ``docs/reference/``; v4
lives beside it in ``tmdbfusion.models.v4``, ``tmdbfusion.resources.v4.<namespace>`` and
``docs/reference/v4/``, reached as ``client.v4.<namespace>``. The v4 reference mirrors v3's folder
shape, so the relative links between its pages are the same.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Layout:
    """The output paths and import spellings of one API version."""

    api: str  # "v3" or "v4", as the pages name it
    access: str  # what precedes a namespace on the client: "" or "v4."
    package_up: str  # from a resource module up to ``tmdbfusion``: ".." or "..."
    models_module: str  # dotted, e.g. "tmdbfusion.models.v4"
    models_file: str
    resource_dir: str
    namespaces_file: str  # the lazy namespace attributes
    reference_dir: str
    source: str = "TMDB's OpenAPI document"  # what the generated files say they come from

    @property
    def models_import(self) -> str:
        """The models module as a resource module imports it (``..models``)."""
        return self.package_up + self.models_module.removeprefix("tmdbfusion.")

    @property
    def resource_package(self) -> str:
        """The dotted package of the resource modules."""
        return self.resource_dir.removeprefix("src/").replace("/", ".")

    @property
    def namespace_dir(self) -> str:
        """The folder of the per-namespace reference pages."""
        return f"{self.reference_dir}/namespaces"


V3 = Layout(
    api="v3",
    access="",
    package_up="..",
    models_module="tmdbfusion.models",
    models_file="src/tmdbfusion/models/__init__.py",
    resource_dir="src/tmdbfusion/resources",
    namespaces_file="src/tmdbfusion/_namespaces.py",
    reference_dir="docs/reference",
)
V4 = Layout(
    api="v4",
    access="v4.",
    package_up="...",
    models_module="tmdbfusion.models.v4",
    models_file="src/tmdbfusion/models/v4.py",
    resource_dir="src/tmdbfusion/resources/v4",
    namespaces_file="src/tmdbfusion/resources/v4/__init__.py",
    reference_dir="docs/reference/v4",
    source="openapi/tmdb-v4.yaml",
)
