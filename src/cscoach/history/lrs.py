"""Sending xAPI statements to a Learning Record Store (stdlib HTTP; basic authentication).

Statements wait in the local database's outbox until an LRS has accepted them, so an LRS that is
down, slow or refusing never loses one; statement ids make a second send harmless.
"""

from __future__ import annotations

import base64
import json
import socket
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cscoach.history.config import Lrs

BATCH = 50
XAPI_VERSION = "1.0.3"


@dataclass(frozen=True, slots=True)
class Delivery:
    sent: list[str]  # statement ids the LRS now has
    error: str | None = None  # why the rest were not sent


class _Refused(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.detail = detail


def _request(lrs: Lrs, method: str, url: str, body: Any) -> int:
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    headers = {"Content-Type": "application/json", "X-Experience-API-Version": XAPI_VERSION,
               "User-Agent": "cscoach"}
    if lrs.user is not None:
        token = base64.b64encode(f"{lrs.user}:{lrs.password or ''}".encode()).decode("ascii")
        headers["Authorization"] = f"Basic {token}"
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=lrs.timeout) as response:  # noqa: S310
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as exc:
        detail = ""
        try:
            detail = exc.read(300).decode("utf-8", "replace").strip()
        except OSError:
            pass
        raise _Refused(exc.code, detail) from None


def _explain(lrs: Lrs, exc: Exception) -> str:
    where = lrs.url
    if isinstance(exc, _Refused):
        if exc.status in (401, 403):
            who = "no credentials were given (set CSCOACH_LRS_USER and CSCOACH_LRS_PASSWORD)" \
                if lrs.user is None else f"the credentials for '{lrs.user}' were refused"
            return f"LRS {where} answered HTTP {exc.status}: {who}"
        detail = f": {exc.detail[:160]}" if exc.detail else ""
        return f"LRS {where} answered HTTP {exc.status}{detail}"
    if isinstance(exc, urllib.error.URLError):
        reason = exc.reason
        if isinstance(reason, socket.timeout | TimeoutError):
            return f"LRS {where} did not answer within {lrs.timeout:g} s"
        return f"LRS {where} is unreachable ({getattr(reason, 'strerror', None) or reason})"
    if isinstance(exc, socket.timeout | TimeoutError):
        return f"LRS {where} did not answer within {lrs.timeout:g} s"
    return f"LRS {where}: {exc}"


def send(lrs: Lrs, statements: Sequence[tuple[str, dict[str, Any]]]) -> Delivery:
    """POST in batches; stops at the first failure and says why. Never raises for the network."""
    sent: list[str] = []
    for start in range(0, len(statements), BATCH):
        batch = statements[start:start + BATCH]
        try:
            _request(lrs, "POST", lrs.statements_url, [body for _, body in batch])
            sent.extend(sid for sid, _ in batch)
        except _Refused as exc:
            if exc.status != 409:
                return Delivery(sent, _explain(lrs, exc))
            # Some of these are already there (sent before, the answer lost): one by one, and
            # a statement the LRS already holds counts as delivered.
            for sid, body in batch:
                try:
                    _request(lrs, "PUT", f"{lrs.statements_url}?statementId={sid}", body)
                except _Refused as one:
                    if one.status != 409:
                        return Delivery(sent, _explain(lrs, one))
                except (OSError, ValueError) as one:
                    return Delivery(sent, _explain(lrs, one))
                sent.append(sid)
        except (OSError, ValueError) as exc:  # URLError, timeouts, a reset connection
            return Delivery(sent, _explain(lrs, exc))
    return Delivery(sent)
