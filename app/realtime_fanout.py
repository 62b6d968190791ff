"""Room broadcasts framed once, written straight to each websocket (gevent deployments only).

Why: python-engineio sends every message through a per-socket queue and a writer greenlet that
re-encodes the Engine.IO packet and frames it with wsproto (pure Python) for each socket. A `tally`
to 2,000 viewers paid that 2,000 times (a gevent queue get with a Timeout, a wsproto frame, a send)
and cost ~5x a plain `websockets` broadcast.

What changes (only when python-engineio runs under gevent with simple-websocket, i.e. the
deploy config; `install()` does nothing otherwise):

1. `DirectWebSocket`, the websocket driver of the Engine.IO server: simple-websocket's `Server`
   whose `send` frames a complete message itself (a server frame is a 2-10 byte header and the
   payload: no mask, no wsproto state) and whose every write (messages, the reader's pong and close
   frames, our broadcast frames) goes through one per-connection lock with `sendall`. (simple-
   websocket's own `sock.send` ignores partial writes.) Used only when no websocket extension was
   negotiated (the app refuses permessage-deflate unless SOCKETIO_WEBSOCKET_COMPRESSION is set);
   with one, wsproto frames as before and broadcasts take the normal path.
2. A room broadcast without callback (socketio's `Manager.emit`, also when the Redis message queue
   delivers another process's emit) hands the SAME Engine.IO packet to `Server._send_eio_packet`
   for each participant. Our replacement of that one method frames the packet once per broadcast
   and, for a websocket whose queue is empty and whose connection is not being written to, writes
   the frame with one non-blocking send. The same goes for one client's packets
   (`Server._send_packet`: the acks of `vote`/`join`, connect answers), framed per packet: no
   queue, no writer greenlet wake-up, no Timeout per message.
   Anything else takes python-engineio's normal path (the queue): long-polling clients, a socket
   with queued packets (order is kept: a direct write happens only when nothing is queued), a
   socket being written to, an upgrade in progress, a socket past its ping timeout, a full send
   buffer, binary attachments. A partial write keeps the connection's lock until a greenlet has
   written the rest, so frames never interleave. Direct writes never yield to other greenlets, so
   a broadcast still reaches every socket before the next one starts (as with the queue).

The library assumptions are pinned by tests/events/contests/test_fanout_gevent.py (they fail loudly when
python-socketio / python-engineio / simple-websocket change what this relies on).
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import struct
import sys
import time

log = logging.getLogger(__name__)

_OP_TEXT, _OP_BINARY = 0x1, 0x2


def frame(data, opcode: int | None = None) -> bytes:
    """One complete, unmasked server-to-client websocket frame (RFC 6455 5.2)."""
    if opcode is None:
        opcode = _OP_BINARY if isinstance(data, (bytes, bytearray)) else _OP_TEXT
    payload = data if isinstance(data, (bytes, bytearray)) else str(data).encode("utf-8")
    n = len(payload)
    if n < 126:
        header = struct.pack("!BB", 0x80 | opcode, n)
    elif n < 65536:
        header = struct.pack("!BBH", 0x80 | opcode, 126, n)
    else:
        header = struct.pack("!BBQ", 0x80 | opcode, 127, n)
    return header + payload


def _gevent_classes():
    import gevent
    import gevent.event
    import gevent.lock
    import gevent.selectors
    import simple_websocket
    from engineio.async_drivers.gevent import Thread
    from engineio.async_drivers._websocket_wsgi import SimpleWebSocketWSGI

    return gevent, gevent.event, gevent.lock, gevent.selectors, simple_websocket, Thread, SimpleWebSocketWSGI


class _LockedSocket:
    """The connection's socket as simple-websocket sees it: every write takes the lock and is whole."""

    __slots__ = ("raw", "lock")

    def __init__(self, raw, lock):
        self.raw, self.lock = raw, lock

    def send(self, data):
        with self.lock:
            self.raw.sendall(data)
        return len(data)

    sendall = send

    def __getattr__(self, name):  # recv, close, fileno, settimeout...
        return getattr(self.raw, name)


def _make_driver():
    gevent, gevent_event, gevent_lock, gevent_selectors, simple_websocket, Thread, SimpleWebSocketWSGI = (
        _gevent_classes()
    )

    class _Server(simple_websocket.Server):
        def __init__(self, environ, **kwargs):
            self.lock = gevent_lock.Semaphore(1)
            self.raw_framing = not environ.get("HTTP_SEC_WEBSOCKET_EXTENSIONS")
            super().__init__(environ, **kwargs)  # handshake (raw socket), then starts the reader
            # The reader greenlet is started but has not run yet (no switch since): from here on,
            # every write of the reader (pong, close), the writer and the broadcasts is locked.
            self.raw_sock = self.sock
            self.sock = _LockedSocket(self.sock, self.lock)

        def send(self, data):
            if not self.raw_framing:
                return super().send(data)
            if not self.connected:
                raise simple_websocket.ConnectionClosed(self.close_reason, self.close_message)
            self.sock.send(frame(data))

        def try_write(self, data: bytes) -> bool:
            """Write a complete frame now if the connection is idle; False: nothing was written."""
            if not self.connected or not self.raw_framing or self.lock.locked():
                return False
            self.lock.acquire()  # free (checked above), so this never switches greenlets
            try:
                sent = self.raw_sock.send(data, 0, 0.0)  # gevent: timeout 0 -> never waits
            except OSError:  # would block, or the connection is gone: the normal path decides
                self.lock.release()
                return False
            if sent >= len(data):
                self.lock.release()
            else:
                gevent.spawn(self._finish, memoryview(data)[sent:])
            return True

        def _finish(self, rest):
            try:
                self.raw_sock.sendall(rest)
            except OSError:
                self.connected = False
            finally:
                self.lock.release()

    class DirectWebSocket(SimpleWebSocketWSGI):
        """engineio's gevent + simple-websocket driver, with `_Server` and a link from the
        Engine.IO socket (the handler's owner) to this connection."""

        def __init__(self, handler, server):
            super().__init__(
                handler,
                server,
                thread_class=Thread,
                event_class=gevent_event.Event,
                selector_class=gevent_selectors.DefaultSelector,
            )

        def __call__(self, environ, start_response):
            self.ws = _Server(environ, **self.server_args)
            owner = getattr(self.app, "__self__", None)  # engineio.socket.Socket._websocket_handler
            if owner is not None:
                owner.direct_ws = self.ws
            try:
                ret = self.app(self)
            finally:
                if owner is not None:
                    owner.direct_ws = None
            if self.ws.mode == "gunicorn":
                raise StopIteration()
            elif self.ws.mode == "werkzeug":
                raise ConnectionError()
            return ret

    return DirectWebSocket


def supported(sio_server) -> bool:
    eio = getattr(sio_server, "eio", None)
    if eio is None or getattr(eio, "async_mode", None) != "gevent":
        return False
    try:
        from engineio.async_drivers import gevent as eio_gevent
    except ImportError:
        return False
    # gevent-websocket installed: engineio uses it instead of simple-websocket; keep the normal path
    return getattr(eio_gevent, "SimpleWebSocketWSGI", None) is not None


def install(sio_server, force: bool = False) -> bool:
    """Install the driver and the broadcast path on a python-socketio Server. True if installed."""
    if not (force or supported(sio_server)):
        return False
    from engineio import packet as eio_packet

    eio = sio_server.eio
    eio._async = {**eio._async, "websocket": _make_driver()}
    normal, normal_unicast = sio_server._send_eio_packet, sio_server._send_packet
    ping_timeout = eio.ping_timeout
    sockets = eio.sockets
    last = [None, b""]  # the broadcast's Engine.IO packet and its frame
    stats = sio_server.direct_fanout_stats = {"direct": 0, "queued": 0, "direct_unicast": 0, "queued_unicast": 0}
    if os.environ.get("SOCKETIO_FANOUT_STATS"):  # tests: prove which path the deliveries took
        atexit.register(lambda: sys.stderr.write(f"direct fan-out stats: {json.dumps(stats)}\n"))

    def direct(eio_sid, pkt, data=None) -> bool:
        """Write the Engine.IO packet `pkt` (framed as `data` when given) straight to its websocket
        if nothing is queued before it and the connection is idle."""
        s = sockets.get(eio_sid)
        ws = getattr(s, "direct_ws", None)
        if (
            ws is None
            or not s.upgraded
            or s.upgrading
            or s.closing
            or s.closed
            or s.queue.qsize()
            or (s.last_ping and time.time() - s.last_ping > ping_timeout)
        ):
            return False
        return ws.try_write(data if data is not None else frame(pkt.encode()))

    def send_eio_packet(eio_sid, pkt):
        """A room broadcast: the same packet for every participant, framed once."""
        if last[0] is not pkt:
            last[0], last[1] = pkt, frame(pkt.encode())
        if direct(eio_sid, pkt, last[1]):
            stats["direct"] += 1
            return
        stats["queued"] += 1
        normal(eio_sid, pkt)

    def send_packet(eio_sid, pkt):
        """One client's packet (an event's ack, connect/disconnect answers, an emit to a sid)."""
        encoded = pkt.encode()
        if isinstance(encoded, str):  # binary attachments (a list) take the normal path
            eio_pkt = eio_packet.Packet(eio_packet.MESSAGE, encoded)
            if direct(eio_sid, eio_pkt):
                stats["direct_unicast"] += 1
                return
            stats["queued_unicast"] += 1
            eio.send_packet(eio_sid, eio_pkt)  # what socketio's Server._send_packet does
            return
        normal_unicast(eio_sid, pkt)

    sio_server._send_eio_packet = send_eio_packet
    sio_server._send_packet = send_packet
    sio_server.direct_fanout = True
    log.debug("Socket.IO: broadcasts framed once, packets written directly to idle websockets")
    return True
