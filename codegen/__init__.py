"""tmdbfusion's generator: TMDB's OpenAPI document in, typed Python SDK out.

The pipeline reads top to bottom, one module per stage::

    spec.load_document  -> heal.heal_document -> plan.build_plan -> render.render_tree
    (bytes -> dict)        (dict -> dict)        (dict -> IR)        (IR -> files, ruff-formatted)
"""
