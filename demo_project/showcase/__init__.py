"""The demo's own app: it records every signal and hook into an in-memory log."""
