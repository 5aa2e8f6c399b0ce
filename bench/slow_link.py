"""A slow mobile link between the browser and the server, for the benches.

A TCP relay on loopback that passes every byte on as a phone's link would: each
direction has its one-way delay (half the round trip) and its own bandwidth,
shared by all the connections that cross it, as one radio link is shared by a
phone's connections. Handshakes (TCP, TLS) and every HTTP/2 frame then pay the
round trips a phone pays, which DevTools' request throttling only estimates (it
adds one fixed latency to each request instead).

The figures of Lighthouse's mobile throttling: a round trip of 150 ms, 1.6 Mbit/s
down and 750 kbit/s up (``MOBILE_SLOW_4G``).
"""

import asyncio
import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class Link:
    round_trip_ms: float
    down_kbit: float
    up_kbit: float


MOBILE_SLOW_4G = Link(round_trip_ms=150, down_kbit=1638.4, up_kbit=750)
# Bytes read at a time: small enough that connections interleave on the link.
CHUNK = 4096


class Direction:
    """One direction of the link: bytes wait their turn on the shared bandwidth,
    then travel for half the round trip."""

    def __init__(self, loop, kbit: float, delay_s: float) -> None:
        self.loop = loop
        self.bytes_per_s = kbit * 1024 / 8
        self.delay_s = delay_s
        self.free_at = 0.0

    def arrival(self, size: int) -> float:
        start = max(self.loop.time(), self.free_at)
        self.free_at = start + size / self.bytes_per_s
        return self.free_at + self.delay_s


class SlowLink:
    """Listens on ``port`` and relays to ``upstream_port``, through the link set
    with :meth:`use` (at first none: every byte passes on at once)."""

    def __init__(self, port: int, upstream_port: int):
        self.port = port
        self.upstream_port = upstream_port
        self.link: Link | None = None
        # Each direction of the link in use (set with it).
        self.up: Direction | None = None
        self.down: Direction | None = None
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.error: OSError | None = None
        # Each open connection's two ends, cut when the link closes.
        self.writers: set[asyncio.StreamWriter] = set()
        self.closing = False
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "SlowLink":
        self.thread.start()
        if not self.ready.wait(10):
            raise RuntimeError("the slow link did not start")
        if self.error is not None:
            raise self.error
        return self

    def __exit__(self, *exc) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)

    def use(self, link: Link | None) -> None:
        """From now on (new connections and bytes in flight alike), ``link``."""

        def switch() -> None:
            self.link = link
            if link is not None:
                delay = link.round_trip_ms / 2000
                self.down = Direction(self.loop, link.down_kbit, delay)
                self.up = Direction(self.loop, link.up_kbit, delay)

        self.loop.call_soon_threadsafe(switch)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            server = self.loop.run_until_complete(
                asyncio.start_server(self._connection, "127.0.0.1", self.port)
            )
        except OSError as error:
            self.error = error
            self.ready.set()
            return
        self.ready.set()
        try:
            self.loop.run_forever()
        finally:
            # Connections still open are cut here, and their relays left to
            # end, before the loop goes.
            server.close()
            self.closing = True
            for writer in self.writers:
                writer.transport.abort()
            pending = asyncio.all_tasks(self.loop)
            if pending:
                self.loop.run_until_complete(asyncio.wait(pending, timeout=5))
            self.loop.close()

    async def _connection(self, client_reader, client_writer) -> None:
        if self.link is not None:
            # Opening the connection costs the phone a round trip (SYN, SYN-ACK).
            await asyncio.sleep(self.link.round_trip_ms / 1000)
        if self.closing:
            client_writer.close()
            return
        try:
            server_reader, server_writer = await asyncio.open_connection(
                "127.0.0.1", self.upstream_port
            )
        except OSError:
            client_writer.close()
            return
        ends = {client_writer, server_writer}
        self.writers |= ends
        try:
            await asyncio.gather(
                self._pass(client_reader, server_writer, "up"),
                self._pass(server_reader, client_writer, "down"),
            )
        finally:
            self.writers -= ends

    async def _pass(self, reader, writer, way: str) -> None:
        last = 0.0
        try:
            while data := await reader.read(CHUNK):
                if self.link is None:
                    self._deliver(writer, data)
                    continue
                last = getattr(self, way).arrival(len(data))
                self.loop.call_at(last, self._deliver, writer, data)
        except ConnectionError:
            pass
        finally:
            self.loop.call_at(max(last, self.loop.time()), self._close, writer)

    @staticmethod
    def _deliver(writer, data: bytes) -> None:
        if not writer.is_closing():
            writer.write(data)

    @staticmethod
    def _close(writer) -> None:
        if not writer.is_closing():
            writer.close()
