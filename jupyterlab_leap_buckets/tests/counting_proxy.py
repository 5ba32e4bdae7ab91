"""A proxy on loopback that forwards every request to an emulator as it came and records
each one, so a test can count the requests our server makes. It runs in a thread of
its own (its own event loop), so a fixture can start it before the Jupyter server that
is pointed at it. Answers are streamed through, never held whole: the objects counted
are large."""

import asyncio
import threading

import aiohttp
from aiohttp import web

PIECE = 1 << 20


class CountingProxy:
    def __init__(self, upstream: str):
        self.upstream = upstream
        self.seen = []  # (method, path, query string, Range header or None), in order
        self._ready = threading.Event()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.seen.append((request.method, request.path, request.query_string, request.headers.get("Range")))
        body = await request.read()
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
            raise RuntimeError("the counting proxy did not start within 10 s")
        return self

    def __exit__(self, *exc):
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
