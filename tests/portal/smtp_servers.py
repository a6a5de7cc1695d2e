"""Real SMTP servers on loopback for the outbox tests: one that answers with a chosen code,
one that accepts a connection and never says a word."""

from __future__ import annotations

import socket
import threading
from contextlib import contextmanager

from aiosmtpd.controller import Controller


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class AnsweringHandler:
    def __init__(self, answer: str):
        self.answer = answer
        self.received: list = []

    async def handle_DATA(self, server, session, envelope):
        if self.answer.startswith("250"):
            self.received.append(envelope)
        return self.answer


@contextmanager
def smtp_server(answer: str = "250 OK"):
    handler = AnsweringHandler(answer)
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield controller.port, handler
    finally:
        controller.stop()


@contextmanager
def silent_server():
    """Accepts TCP connections and never sends the SMTP greeting."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    connections: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _addr = listener.accept()
                connections.append(conn)
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(2)
        for conn in connections:
            conn.close()
        listener.close()
