"""Benchmarks of the running portal: `make bench-web` (bench.web) against a bare Django project
(bench.bare_site) on the same machine and the same PostgreSQL tables."""
