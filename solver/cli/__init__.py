"""The `pathways` command line: a thin layer over the Python API that prints tables or JSON (see `main`)."""
