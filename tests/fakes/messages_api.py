"""A local HTTP server that speaks the Anthropic Messages API (JSON and SSE) and the OpenAI
chat-completions API, for tests. Replies come from a function of the request; every request is
recorded (headers included) so tests can check what was sent."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Reply = Callable[[dict[str, Any]], str]


def echo_prompt(req: dict[str, Any]) -> str:
    return str(req["messages"][0]["content"])


class FakeModelServer:
    def __init__(
        self,
        reply: Reply,
        status: int = 200,
        delay: float = 0.0,
        stop: str | None = "end_turn",
        error_message: str = "busy",
    ) -> None:
        """``stop``: the reply's stop reason ("max_tokens": cut at its limit); None: the stream
        ends after the text, without the model's stop (a dropped connection)."""
        self.reply = reply
        self.status = status
        self.delay = delay
        self.stop = stop
        self.error_message = error_message
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.url = ""

    def handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                server.requests.append(body)
                server.headers.append(dict(self.headers))
                if server.delay:
                    time.sleep(server.delay)
                if server.status != 200:
                    self.send_response(server.status)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    err = {
                        "type": "error",
                        "error": {"type": "overloaded_error", "message": server.error_message},
                    }
                    self.wfile.write(json.dumps(err).encode())
                    return
                text = server.reply(body)
                if self.path.endswith("/chat/completions"):
                    out = {
                        "id": "c1",
                        "object": "chat.completion",
                        "choices": [
                            {"index": 0, "message": {"role": "assistant", "content": text}}
                        ],
                        "usage": {"prompt_tokens": 5, "completion_tokens": 7},
                    }
                    self._json(out)
                elif body.get("stream"):
                    self._sse(text, body.get("model", "m"))
                else:
                    self._json(
                        {
                            "id": "msg_1",
                            "type": "message",
                            "role": "assistant",
                            "model": body.get("model", "m"),
                            "content": [{"type": "text", "text": text}],
                            "stop_reason": server.stop or "end_turn",
                            "stop_sequence": None,
                            "usage": {"input_tokens": 11, "output_tokens": 13},
                        }
                    )

            def _json(self, obj: dict[str, Any]) -> None:
                data = json.dumps(obj).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _sse(self, text: str, model: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()

                def ev(name: str, data: dict[str, Any]) -> None:
                    self.wfile.write(f"event: {name}\ndata: {json.dumps(data)}\n\n".encode())
                    self.wfile.flush()

                ev(
                    "message_start",
                    {
                        "type": "message_start",
                        "message": {
                            "id": "msg_1",
                            "type": "message",
                            "role": "assistant",
                            "model": model,
                            "content": [],
                            "stop_reason": None,
                            "stop_sequence": None,
                            "usage": {"input_tokens": 11, "output_tokens": 0},
                        },
                    },
                )
                ev(
                    "content_block_start",
                    {
                        "type": "content_block_start",
                        "index": 0,
                        "content_block": {"type": "text", "text": ""},
                    },
                )
                for i in range(0, len(text), 7):
                    ev(
                        "content_block_delta",
                        {
                            "type": "content_block_delta",
                            "index": 0,
                            "delta": {"type": "text_delta", "text": text[i : i + 7]},
                        },
                    )
                if server.stop is None:
                    return  # the connection ends mid-message
                ev("content_block_stop", {"type": "content_block_stop", "index": 0})
                ev(
                    "message_delta",
                    {
                        "type": "message_delta",
                        "delta": {"stop_reason": server.stop, "stop_sequence": None},
                        "usage": {"output_tokens": 13},
                    },
                )
                ev("message_stop", {"type": "message_stop"})

        return H


@contextmanager
def serve(
    reply: Reply = echo_prompt,
    status: int = 200,
    delay: float = 0.0,
    stop: str | None = "end_turn",
    error_message: str = "busy",
) -> Iterator[FakeModelServer]:
    fake = FakeModelServer(reply, status, delay, stop, error_message)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), fake.handler())
    fake.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    try:
        yield fake
    finally:
        httpd.shutdown()
        httpd.server_close()
