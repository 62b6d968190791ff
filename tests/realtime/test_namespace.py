"""AuthenticatedNamespace: refuses anonymous sockets and ends sockets whose session ended.

Socket calls run in a fresh context, as each event does in production (own `g`, own session).
"""

import contextvars

from app.extensions import db, socketio
from app.realtime import AuthenticatedNamespace
from tests.factories import UserFactory


class Echo(AuthenticatedNamespace):
    def on_echo(self, data):
        return {"echo": data}


def fresh(fn, *args, **kwargs):
    return contextvars.Context().run(fn, *args, **kwargs)


def _connect(app, http):
    if "/echo-test" not in socketio.server.namespace_handlers:
        socketio.on_namespace(Echo("/echo-test"))
    return fresh(socketio.test_client, app, namespace="/echo-test", flask_test_client=http)


def test_anonymous_connection_is_refused(app, in_process_sockets):
    client = _connect(app, app.test_client())
    assert not client.is_connected("/echo-test")


def test_events_answer_while_the_session_is_valid_and_stop_after_logout(app, login, in_process_sockets):
    user = UserFactory()
    client = _connect(app, login(user))
    assert client.is_connected("/echo-test")
    assert fresh(client.emit, "echo", "こんにちは", namespace="/echo-test", callback=True) == {"echo": "こんにちは"}
    user.session_version += 1  # what logout, password change and disable do
    db.session.commit()
    answer = fresh(client.emit, "echo", "again", namespace="/echo-test", callback=True)
    assert answer["error"]["code"] == "unauthorized"
