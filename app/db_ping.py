"""Dead pooled connections are found before a request uses them, at the cost of a ping only when
a connection has been idle.

SQLAlchemy's `pool_pre_ping` pings on every checkout: one more round trip for every request and
socket event, about a sixth of the server's CPU in a join storm under gevent. A connection that
went back to the pool a moment ago is as alive as it was then, so this pings only connections
idle for more than DB_PING_AFTER_IDLE seconds (10 by default, 0 pings always). A dead one is
reported as a DisconnectionError: the pool drops it and checks out another (SQLAlchemy's custom
pessimistic disconnect handling), so a database restart costs no request an error once the
connections have been idle that long.
"""

from __future__ import annotations

import time

from sqlalchemy import event, exc

_KEY = "returned_at"


def install(engine, idle_seconds: float) -> None:
    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection, record):
        if record is not None:
            record.info[_KEY] = time.monotonic()

    @event.listens_for(engine, "connect")
    def _opened(_dbapi_connection, record):
        record.info[_KEY] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_connection, record, _proxy):
        returned = record.info.get(_KEY)
        if returned is not None and time.monotonic() - returned < idle_seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # noqa: BLE001  (any failure: take another connection)
            raise exc.DisconnectionError() from error
