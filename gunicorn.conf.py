"""gunicorn reads this file from the working directory (the container's and `make bench-web`'s).

gunicorn names itself and its version in a `Server` header on every answer; an attacker learns
which version to try. The portal answers as "KAG Portal" instead. gunicorn has no setting for
it: the name is a module global that each response reads.
"""

import gunicorn.http.wsgi

gunicorn.http.wsgi.SERVER = "KAG Portal"
