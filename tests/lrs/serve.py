"""Serve Ralph's LRS API (the real `ralph.api:app`) on loopback with the filesystem backend.

Why not `ralph runserver -b fs`: in ralph-malph 4.2-5.1 the filesystem LRS backend writes with
the CREATE operation, which refuses to touch a statements file that already exists, so that
server stores the first POST and answers every later one with HTTP 500 "Statements bulk
indexation failed". Here the backend appends instead (its own APPEND operation); everything
else - authentication, validation, storage, queries - is Ralph's code, unchanged, but for one more
fix: the filesystem backend compares each statement's object id (a str) with the `activity`
query parameter as Ralph parses it (an IRI model, never equal to a str), so `?activity=...`
matches nothing; here the parameter is handed to the filter as the string it is. runserver
also starts a file-watching reloader, which a test does not want.

Usage: python serve.py HOST PORT DATA_DIR   (credentials: RALPH_AUTH_FILE, made by `ralph auth`)
"""

import os
import sys

host, port, data = sys.argv[1], int(sys.argv[2]), sys.argv[3]
os.environ["RALPH_RUNSERVER_BACKEND"] = "fs"
os.environ["RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH"] = data

import uvicorn  # noqa: E402
from ralph.backends.data.base import BaseOperationType  # noqa: E402
from ralph.backends.lrs.fs import FSLRSBackend  # noqa: E402

FSLRSBackend.default_operation_type = BaseOperationType.APPEND
_by_activity = FSLRSBackend._add_filter_by_activity


def _add_filter_by_activity(filters, object_id, related):  # noqa: ANN001, ANN202
    while hasattr(object_id, "root"):  # IRI(root=IRIStr) -> the str
        object_id = object_id.root
    return _by_activity(filters, None if object_id is None else str(object_id), related)


FSLRSBackend._add_filter_by_activity = staticmethod(_add_filter_by_activity)

from ralph.api import app  # noqa: E402

uvicorn.run(app, host=host, port=port, log_level="warning")
