"""FRED ingest: the client (fredapi), the local FRED sandbox, demo data and the raw-table loader."""
