"""A bare Django project: the yardstick the portal's pages are measured against (bench.web).

Two pages: a ~15 KB template with no query, and a naive directory page (COUNT and 20 of the
portal's published companies with their tags prefetched), reading the portal's own tables through
unmanaged models. Deliberately naive: no cache, no tuning beyond what `startproject` gives.
"""
