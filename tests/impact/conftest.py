# The half year of tests/impact/test_figures.py, for the funder report's tests too.
from tests.impact.test_figures import region  # noqa: F401
