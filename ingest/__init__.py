"""FRED ingest: from FRED's HTTP API (or a CSV download) into the raw tables.

- ``fred_http`` / ``fred_errors`` / ``fred_client``: the wire (httpx, timeouts, the shared
  limiter of ``ratelimit``), FRED's errors as types, retries and FRED's answers checked;
- ``series_data`` / ``fred_facts`` / ``catalog``: FRED's data shapes, published series facts,
  the tracked series and their schedules;
- ``vintage_plan`` (pure) / ``vintage_sql`` / ``raw_store``: the vintage rules, the same rules
  in bulk SQL, the per-series transaction;
- ``run`` / ``run_records`` / ``incremental`` / ``csv_import``: the one run driver, its
  records, what a run asks FRED for, and loading CSV files through the same driver.

The fake FRED used by tests and the demo is the top-level ``sandbox`` package, not ingest.
"""
