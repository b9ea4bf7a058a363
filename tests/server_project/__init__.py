"""A tiny Django project for the async, streaming, concurrency and real-server tests."""
