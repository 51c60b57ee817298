"""Prefect flows, deployments and the ``fredpipe`` CLI (the top of the import graph)."""
