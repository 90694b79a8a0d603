"""Forms of the portal app, one module per area (auth, users, ...)."""
