"""PostgreSQL briefly unavailable (issue: faults injected for real, TESTPLAN 43): the web
server, started here as ``make run`` starts it (gunicorn, DJANGO_CONN_MAX_AGE=60), reads the
test database through a TCP proxy this test controls. Cutting the proxy drops the open
connection and refuses new ones, as a PostgreSQL restart or failover does: pages answer 503
with Retry-After, not 500, and the site serves again as soon as the database is back, without
a restart."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest

from tests.integration.processes import database_url_for, fetch, free_port, gunicorn_site

# Transactional: the server is another process, it must see the test database as committed.
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

UNKNOWN_CODE = "NoSuchCertificate1"


class TcpProxy:
    """Forwards 127.0.0.1:``port`` to ``target``; ``stop`` closes the listener and cuts every
    open connection, ``start`` listens again on the same port."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self.listener: socket.socket | None = None
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        with self.lock:
            listener, self.listener = self.listener, None
            sockets, self.sockets = self.sockets, []
        if listener is not None:
            # shutdown first: a close alone leaves the socket listening while the accepting
            # thread is blocked in accept().
            try:
                listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            listener.close()
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self.lock:
                self.sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


@pytest.fixture
def proxied_site(integration_services, transactional_db, tmp_path: Path):
    """gunicorn as ``make run`` starts it, its database reached through a ``TcpProxy``."""
    from django.conf import settings

    database = dict(settings.DATABASES["default"])
    proxy = TcpProxy((database.get("HOST") or "127.0.0.1", int(database.get("PORT") or 5432)))
    proxy.start()
    database.update(HOST="127.0.0.1", PORT=str(proxy.port))
    try:
        with gunicorn_site(
            tmp_path, DATABASE_URL=database_url_for(database), DJANGO_CONN_MAX_AGE="60", CACHE_URL=None
        ) as (port, log_path):
            yield port, proxy, log_path
    finally:
        proxy.stop()


def test_postgresql_going_away_answers_503_and_the_site_recovers_by_itself(proxied_site):
    port, proxy, log_path = proxied_site
    path = f"/certificates/{UNKNOWN_CODE}/"

    # given the site answering from PostgreSQL (an unknown certificate: looked up, not found)
    assert fetch(port, path)[0] == 404

    # when PostgreSQL goes away: the open connection is cut, then new ones are refused
    proxy.stop()
    cut = fetch(port, path)
    refused = fetch(port, path)

    # then each request is 503 with Retry-After, not a 500
    assert (cut[0], cut[1].get("retry-after")) == (503, "5"), log_path.read_text()[-3000:]
    assert (refused[0], refused[1].get("retry-after")) == (503, "5"), log_path.read_text()[-3000:]

    # when it comes back, the same server answers again, without a restart
    proxy.start()
    assert fetch(port, path)[0] == 404
    assert "Traceback" not in log_path.read_text()
