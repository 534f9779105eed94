"""A webhook receiver for the delivery tests and the benchmark: a real threaded HTTP/1.1 server
(keep-alive) that checks the signature like a customer's endpoint, counts what it accepted per
delivery id and can be slow, fail or drop connections on purpose.

In a test it runs in a thread (``Receiver().start()``); the benchmark runs it in a process of its
own (``python -m tests.connectors.receiver PORT SECRET``) so that it does not share the sender's
interpreter lock, and reads the counts from ``GET /stats``.
"""

import hashlib
import hmac
import json
import sys
import threading
import time
from collections import Counter, defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Behaviour:
    """What the receiver does with a request; the default accepts everything at once."""

    delay = 0.0  # seconds before answering (a slow receiver)
    fail_first = 0  # answer 503 to the first N requests of each delivery id
    close_every = 0  # drop the connection without an answer on every Nth request (unprocessed)
    close_after_answer_every = 0  # answer, then close the connection, on every Nth request


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive unless a side closes

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        state = self.server.state
        with state.lock:
            body = json.dumps(
                {
                    "accepted": dict(state.accepted),
                    "requests": state.requests,
                    "connections": state.connections,
                    "max_in_flight": state.max_in_flight,
                    "order": {str(k): v for k, v in state.order.items()},
                }
            ).encode()
        self._answer(200, body)

    def do_POST(self):
        state = self.server.state
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with state.lock:
            state.requests += 1
            n = state.requests
            state.in_flight += 1
            state.max_in_flight = max(state.max_in_flight, state.in_flight)
        try:
            self._receive(n, body)
        finally:
            with state.lock:
                state.in_flight -= 1

    def _receive(self, n: int, body: bytes) -> None:
        state, behaviour = self.server.state, self.server.behaviour
        if behaviour.close_every and n % behaviour.close_every == 0:
            self.close_connection = True
            self.connection.close()  # as a crashing proxy would: no answer, nothing processed
            return
        if behaviour.delay:
            time.sleep(behaviour.delay)  # the receiver being slow is the point of this server
        if not self._signed(body):
            self._answer(401, b"bad signature")
            return
        delivery = self.headers["X-Portal-Delivery"]
        with state.lock:
            state.seen[delivery] += 1
            if state.seen[delivery] <= behaviour.fail_first:
                failing = True
            else:
                failing = False
                state.accepted[delivery] += 1
                stream = self.path.rsplit("/", 1)[-1]
                state.order[stream].append(int(json.loads(body)["id"]))
        close = bool(
            behaviour.close_after_answer_every and n % behaviour.close_after_answer_every == 0
        )
        self._answer(503 if failing else 204, b"unavailable" if failing else b"", close=close)

    def _signed(self, body: bytes) -> bool:
        timestamp = self.headers.get("X-Portal-Timestamp", "")
        expected = (
            "sha256="
            + hmac.new(
                self.server.secret, timestamp.encode() + b"." + body, hashlib.sha256
            ).hexdigest()
        )
        given = self.headers.get("X-Portal-Signature", "")
        fresh = timestamp.isdigit() and abs(int(timestamp) - time.time()) <= 300
        return fresh and hmac.compare_digest(expected, given)

    def _answer(self, status: int, body: bytes, *, close: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)


class _State:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = 0
        self.connections = 0
        self.in_flight = self.max_in_flight = 0
        self.seen: Counter = Counter()  # requests per delivery id (failed ones too)
        self.accepted: Counter = Counter()  # answered 2xx per delivery id
        self.order: dict[str, list[int]] = defaultdict(list)  # event ids per path, as accepted


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def get_request(self):
        request = super().get_request()
        with self.state.lock:
            self.state.connections += 1
        return request


class Receiver:
    """``with Receiver(secret=b"…") as r: r.url("/hook")``; ``r.accepted`` counts per id."""

    def __init__(self, *, secret: bytes, behaviour: Behaviour | None = None, port: int = 0):
        self.server = _Server(("127.0.0.1", port), _Handler)
        self.server.state = _State()
        self.server.behaviour = behaviour or Behaviour()
        self.server.secret = secret
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}{path}"

    @property
    def state(self) -> _State:
        return self.server.state

    @property
    def accepted(self) -> Counter:
        return self.server.state.accepted

    def start(self) -> "Receiver":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> "Receiver":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


if __name__ == "__main__":
    port, secret = int(sys.argv[1]), sys.argv[2].encode()
    receiver = Receiver(secret=secret, port=port)
    print(receiver.url(""), flush=True)
    receiver.server.serve_forever()
