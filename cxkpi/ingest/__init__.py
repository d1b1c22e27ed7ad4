"""Importer: read a file a user uploaded (read.py), type its cells (values.py), then detect the source,
map columns, validate and load (detect/mapping/validate/load/commands). Imports stay lazy: the app
imports submodules it needs."""
