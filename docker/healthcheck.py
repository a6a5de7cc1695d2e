"""Container health check of the web role: GET /healthz, healthy on 200.

Slim images have no curl. Django answers 400 to a Host header that is not in ALLOWED_HOSTS, so the
request names the first allowed host; /healthz is exempt from the HTTPS redirect.
"""

from __future__ import annotations

import os
import sys
import urllib.request


def main() -> int:
    host = os.environ.get("ALLOWED_HOSTS", "").split(",")[0].strip().lstrip(".")
    if host in {"", "*"}:
        host = "localhost"
    request = urllib.request.Request("http://127.0.0.1:8000/healthz", headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - fixed URL
            return 0 if response.status == 200 else 1
    except Exception as error:  # 503 arrives as HTTPError; any failure means unhealthy
        print(f"healthz: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
