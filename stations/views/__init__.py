"""Pages of the stations app, one module per entity."""
