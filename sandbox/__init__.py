"""A local, FRED-compatible HTTP API (``/fred/series``, ``/fred/series/observations``).

It lets tests, the demo and offline work run the real client code (``ingest.fred_client``
over HTTP) with FRED's parameters, bodies, errors and rate limit, but without network access
or an API key. It is a fake FRED, not part of ingestion: only the CLI (``flows``) and tests
import it; it borrows ingest's data shapes and series facts (``ingest.series_data``,
``ingest.fred_facts``). ``demo_data`` generates the project's synthetic demo series.
"""
