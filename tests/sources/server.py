"""A local HTTP server (127.0.0.1 only) serving the sources fixtures, friendly
and hostile, for the tests and bench/sources.py.  Nothing here reaches beyond
this machine: every response either comes from this server or is a redirect
that the client must refuse to follow (file://, ftp://).

Every streaming handler stops by itself (bounded bytes and time).
"""

from __future__ import annotations

import gzip
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MB = 1024 * 1024


def make_pdf(lines: list[str], title: str = "Court record") -> bytes:
    """A small, valid one-page PDF showing ``lines`` (Latin-1 text), built by hand."""

    def esc(s: str) -> str:
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    ops = ["BT", "/F1 11 Tf", "72 760 Td", "14 TL"]
    for line in lines:
        ops.append(f"({esc(line)}) Tj T*")
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Title (" + esc(title).encode("latin-1") + b") /Producer (casefiles tests) >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


PDF_LINES = [
    "Supreme Court of Cambodia",
    "Judgment in the case of the ADHOC staff, 18 November 2022.",
    "The Court upholds the judgment of the Court of Appeal.",
    "The accused Ny Sokha, Nay Vanda, Yi Soksan and Lim Mony are sentenced",
    "to five years of imprisonment for bribing a witness.",
]


@cache
def gzip_bomb() -> bytes:
    """About 200 KB that inflate to 200 MB of zeros."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = bytes(MB)
    parts = [comp.compress(chunk) for _ in range(200)]
    parts.append(comp.flush())
    return b"".join(parts)


def page(title: str, body: str, charset: str = "utf-8") -> str:
    return (
        f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}</title></head>'
        f"<body><article><h1>{title}</h1><p>{body}</p><p>{body}</p></article></body></html>"
    )


ARTICLE = (
    "The Phnom Penh Municipal Court charged the activist with incitement on Monday, "
    "the defence lawyer told reporters outside the court building."
)


class Handler(BaseHTTPRequestHandler):
    """Routes by path; see ``ROUTES``."""

    protocol_version = "HTTP/1.1"
    server_version = "fixture"
    sys_version = ""

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def send(
        self, status: int, body: bytes, ctype: str, extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str, status: int = 302) -> None:
        self.send_response(status)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        route = ROUTES.get(path)
        if route is None and path.startswith("/chain/"):
            n = int(path.rsplit("/", 1)[1])
            self.redirect(f"/chain/{n + 1}")
            return
        if route is None and path.startswith("/page/"):
            n = int(path.rsplit("/", 1)[1])
            html = page(f"Local page number {n}", f"{ARTICLE} Page {n} of the archive test.")
            self.send(200, html.encode(), "text/html; charset=utf-8")
            return
        if route is None:
            self.send(404, b"<h1>Not found</h1>", "text/html")
            return
        with suppress(BrokenPipeError, ConnectionResetError):
            route(self)


def _fixture(name: str, ctype: str) -> Callable[[Handler], None]:
    def serve(h: Handler) -> None:
        h.send(200, (FIXTURES / name).read_bytes(), ctype)

    return serve


def _big(h: Handler) -> None:
    # Declares 50 MB; the client must refuse before reading.
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Length", str(50 * MB))
    h.end_headers()
    chunk = b"<p>" + b"x" * (MB - 7) + b"</p>\n"
    for _ in range(50):
        h.wfile.write(chunk)


def _big_undeclared(h: Handler) -> None:
    # 50 MB without a length: the body ends when the connection closes.
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Connection", "close")
    h.end_headers()
    h.close_connection = True
    chunk = b"<p>" + b"x" * (MB - 7) + b"</p>\n"
    for _ in range(50):
        h.wfile.write(chunk)


def _endless(h: Handler) -> None:
    # Chunked and never-ending (bounded here at 500 MB / 30 s so the server stops by itself).
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Transfer-Encoding", "chunked")
    h.end_headers()
    data = b"<p>" + b"y" * (64 * 1024 - 8) + b"</p>\n"
    frame = b"%x\r\n" % len(data) + data + b"\r\n"
    start = time.monotonic()
    for _ in range(8000):
        h.wfile.write(frame)
        if time.monotonic() - start > 30:
            break


def _bomb(h: Handler) -> None:
    h.send(200, gzip_bomb(), "text/html", {"Content-Encoding": "gzip"})


def _gzip_page(h: Handler) -> None:
    body = gzip.compress((FIXTURES / "news.html").read_bytes())
    h.send(200, body, "text/html; charset=utf-8", {"Content-Encoding": "gzip"})


def _slow(h: Handler) -> None:
    time.sleep(3)
    h.send(200, page("Slow", ARTICLE).encode(), "text/html")


def _slowish(h: Handler) -> None:
    time.sleep(1.5)
    h.send(200, page("Slowish page", ARTICLE).encode(), "text/html")


def _trickle(h: Handler) -> None:
    # A byte every 0.3 s: never silent for a whole timeout, but never done either.
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Length", "100000")
    h.end_headers()
    for _ in range(100):
        h.wfile.write(b" ")
        h.wfile.flush()
        time.sleep(0.3)


EVIL_TITLE = "[bold red]Pwned[/] \x1b[2J\x1b]52;c;ZXZpbA==\x07 [@click=app.quit]x[/] \u202eevil"

#: The body of ``/mutable``; tests change it to play an article edited after publication.
MUTABLE: dict[str, str] = {"body": page("An article that will change", ARTICLE)}

ROUTES: dict[str, Callable[[Handler], None]] = {
    "/mutable": lambda h: h.send(200, MUTABLE["body"].encode(), "text/html; charset=utf-8"),
    "/news.html": _fixture("news.html", "text/html; charset=utf-8"),
    "/cp1252.html": _fixture("cp1252.html", "text/html"),
    "/khmer.html": _fixture("khmer.html", "text/html; charset=UTF-8"),
    "/statement.html": _fixture("statement.html", "text/html; charset=utf-8"),
    "/doc.pdf": lambda h: h.send(200, make_pdf(PDF_LINES), "application/pdf"),
    "/plain.txt": lambda h: h.send(200, ARTICLE.encode() * 2, "text/plain; charset=utf-8"),
    "/gzip.html": _gzip_page,
    "/moved": lambda h: h.redirect("/news.html?utm_source=feed&utm_medium=rss", 301),
    "/big": _big,
    "/big-undeclared": _big_undeclared,
    "/endless": _endless,
    "/bomb": _bomb,
    "/loop": lambda h: h.redirect("/loop"),
    "/to-file": lambda h: h.redirect("file:///etc/passwd"),
    "/to-ftp": lambda h: h.redirect("ftp://127.0.0.1/pub/article.html"),
    "/bad-utf8": lambda h: h.send(
        200,
        page("Broken", ARTICLE).encode().replace(b"Monday", b"Mon\xff\xfeday"),
        "text/html; charset=utf-8",
    ),
    "/evil-title": lambda h: h.send(
        200, page(EVIL_TITLE, ARTICLE).encode(), "text/html; charset=utf-8"
    ),
    "/fake.pdf": lambda h: h.send(200, page("Not a PDF", ARTICLE).encode(), "application/pdf"),
    "/image.png": lambda h: h.send(200, b"\x89PNG\r\n\x1a\n" + bytes(100), "image/png"),
    "/empty.html": lambda h: h.send(200, b"<html><body><nav>Home</nav></body></html>", "text/html"),
    "/404": lambda h: h.send(404, b"<h1>Not found</h1>", "text/html"),
    "/500": lambda h: h.send(500, b"<h1>Server error</h1>", "text/html"),
    "/300": lambda h: h.send(300, page("Multiple choices", ARTICLE).encode(), "text/html"),
    "/slow": _slow,
    "/slowish": _slowish,
    "/trickle": _trickle,
}


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up mid-body (as it should on a hostile page) is normal."""


class FixtureServer:
    """The fixture server on 127.0.0.1 and a free port, in a daemon thread."""

    def __init__(self) -> None:
        self.httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def start(self) -> FixtureServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@contextmanager
def serving() -> Iterator[FixtureServer]:
    server = FixtureServer().start()
    try:
        yield server
    finally:
        server.stop()
