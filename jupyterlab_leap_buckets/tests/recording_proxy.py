"""The one HTTP proxy of our own in the tests: it forwards every request to an emulator as
it came, records each one, and may answer chosen requests itself.

Why not Toxiproxy, which the fault tests use (tests/faults.py): Toxiproxy works on TCP
streams. It can slow, cut or reset a connection, but it cannot count HTTP requests (as
test_object_requests.py does: one GET per object) nor answer one with a 503 or a
multipart batch of 503 parts (as test_delete_retries.py does: the throttled answers the
emulators never give). Everything else stays with the real emulators and Toxiproxy.

It runs in a thread of its own (its own event loop), so a fixture can start it before
the Jupyter server that is pointed at it, and an async test can use it without sharing
its loop. Answers are streamed through, never held whole: the objects counted are large."""

import asyncio
import threading
from typing import Callable, NamedTuple, Optional
from urllib.parse import parse_qs

import aiohttp
from aiohttp import web

PIECE = 1 << 20


class Seen(NamedTuple):
    """One request as it came to the proxy."""

    method: str
    path: str
    query: str  # the query string as sent
    range: Optional[str]  # the Range header, None for none

    def has_param(self, name: str) -> bool:
        return name in parse_qs(self.query, keep_blank_values=True)


# Given a request and its body, an answer to give instead of forwarding it, or None.
Answer = Callable[[Seen, bytes], Optional[web.Response]]


class RecordingProxy:
    def __init__(self, upstream: str, answer: Optional[Answer] = None):
        self.upstream = upstream
        self.answer = answer
        self.seen: list = []  # Seen, in the order the requests came
        self.answered = 0  # requests the proxy answered itself, not forwarded
        self._ready = threading.Event()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        seen = Seen(request.method, request.path, request.query_string, request.headers.get("Range"))
        self.seen.append(seen)
        body = await request.read()
        own = self.answer(seen, body) if self.answer else None
        if own is not None:
            self.answered += 1
            return own
        # Host as the client sent it: S3 signs it (SigV4), and versitygw checks the signature.
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("content-length", "transfer-encoding")}
        async with self._session.request(
            request.method, self.upstream + request.raw_path, headers=headers, data=body, allow_redirects=False
        ) as up:
            out = web.StreamResponse(status=up.status)
            for name, value in up.headers.items():
                if name.lower() not in ("transfer-encoding", "connection", "content-encoding"):
                    out.headers[name] = value
            await out.prepare(request)
            async for piece in up.content.iter_chunked(PIECE):
                await out.write(piece)
            await out.write_eof()
            return out

    def _serve(self):
        loop = asyncio.new_event_loop()
        self._loop = loop

        async def start():
            self._session = aiohttp.ClientSession(auto_decompress=False)
            app = web.Application(client_max_size=1 << 30)
            app.router.add_route("*", "/{tail:.*}", self._handle)
            self._runner = web.AppRunner(app)
            await self._runner.setup()
            site = web.TCPSite(self._runner, "127.0.0.1", 0)
            await site.start()
            self.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"

        loop.run_until_complete(start())
        self._ready.set()
        loop.run_forever()
        loop.run_until_complete(self._runner.cleanup())
        loop.run_until_complete(self._session.close())
        loop.close()

    def __enter__(self):
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the recording proxy did not start within 10 s")
        return self

    def __exit__(self, *exc):
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
