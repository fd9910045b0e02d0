"""Generated resource classes, one module per namespace (imported lazily)."""
