"""Ralph's LRS API as tests/lrs/serve.py serves it (filesystem backend, appending), with one
change for benchmarks at scale: the backend finds statements by id in a dictionary of those this
server wrote, not by reading and parsing its whole file on every POST.

Why: on each POST Ralph asks the backend which of the batch's ids it holds already; the
filesystem backend answers by parsing every statement stored so far, so sending N statements
costs it O(N^2) (2,500 attempts, 18,051 statements: some 140 s, mostly Ralph's). A real Ralph
backend (Elasticsearch, MongoDB, ClickHouse) looks ids up in an index, and so does this one;
authentication, validation, the duplicate check and storage stay Ralph's own code.

Usage: python ralph_indexed.py HOST PORT DATA_DIR   (credentials: RALPH_AUTH_FILE)
"""

import json
import os
import sys

host, port, data = sys.argv[1], int(sys.argv[2]), sys.argv[3]
os.environ["RALPH_RUNSERVER_BACKEND"] = "fs"
os.environ["RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH"] = data

import uvicorn  # noqa: E402
from ralph.backends.data.base import BaseOperationType  # noqa: E402
from ralph.backends.lrs.fs import FSLRSBackend  # noqa: E402

FSLRSBackend.default_operation_type = BaseOperationType.APPEND
# this server's statements by id (its data folder starts empty), as JSON text: 100,000s of
# statements as dicts would be millions of objects for Python's collector to walk, pausing the
# server for seconds
STORED: dict[str, str] = {}
_write_dicts = FSLRSBackend._write_dicts


def _write_indexed(self, data, target, chunk_size, ignore_errors, operation_type):  # type: ignore[no-untyped-def]
    data = list(data)
    written = _write_dicts(self, iter(data), target, chunk_size, ignore_errors, operation_type)
    STORED.update((d["id"], json.dumps(d, default=str)) for d in data
                  if isinstance(d, dict) and "id" in d)
    return written


def _by_ids(self, ids, target=None):  # type: ignore[no-untyped-def]
    return [json.loads(STORED[i]) for i in ids if i in STORED]


FSLRSBackend._write_dicts = _write_indexed
FSLRSBackend.query_statements_by_ids = _by_ids

from ralph.api import app  # noqa: E402

uvicorn.run(app, host=host, port=port, log_level="warning")
