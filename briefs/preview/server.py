"""The preview's web server (Python's own threading HTTP server): the catalogue, each
edition's page, its web page and PDF exactly as built, the PDF's pages as pictures, and
server-sent events that tell open pages when to look again.

It listens on 127.0.0.1 only and answers only requests addressed to it by that name or
`localhost` with its port: a page elsewhere cannot reach it through a name it controls
(DNS rebinding). It shows nothing to a browser that has not opened the address it printed,
which carries a key: another user of the computer cannot read drafts or restricted data by
opening its port. It only reads; nothing it is asked changes anything.
"""

import hmac
import json
import re
import sys
from http import HTTPStatus
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from briefs.content.model import BRIEF_ID_WORDS
from briefs.errors import ContentError
from briefs.preview import pages

HEARTBEAT = 15  # seconds between two comments on an idle event stream, to notice a closed tab
RETRY_MS = 300  # how soon a page reconnects when the preview starts again
EDITION = rf"(?P<brief>{BRIEF_ID_WORDS})/(?P<lang>[a-z]+)"
ROUTES = [
    (re.compile(r"/"), "catalogue"),
    (re.compile(rf"/preview/{EDITION}"), "edition"),
    (re.compile(rf"/status/{EDITION}\.json"), "status"),
    (re.compile(rf"/web/(?P<brief>{BRIEF_ID_WORDS})/(?P=brief)\.(?P<lang>[a-z]+)"
                r"\.(?P<kind>html|pdf)"), "built"),
    (re.compile(r"/web/assets/fonts/(?P<name>[A-Za-z0-9_.-]+)"), "font"),
    (re.compile(rf"/pages/{EDITION}/(?P<version>[0-9a-f]+)/(?P<number>[0-9]+)\.png"), "picture"),
    (re.compile(r"/assets/(?P<name>preview\.(?:css|js))"), "asset"),
    (re.compile(r"/events"), "events"),
]
TYPES = {"html": "text/html; charset=utf-8", "pdf": "application/pdf", "png": "image/png",
         "json": "application/json", "css": "text/css; charset=utf-8",
         "js": "text/javascript; charset=utf-8", "ttf": "font/ttf", "otf": "font/otf",
         "woff": "font/woff", "woff2": "font/woff2"}
FONTS = ("ttf", "otf", "woff", "woff2")
# The preview's own pages run only their own script; the built pages run none at all.
OWN_PAGES = ("default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
             "base-uri 'none'; form-action 'none'")
BUILT_PAGES = ("default-src 'self' data:; style-src 'self' 'unsafe-inline' data:; "
               "script-src 'none'; object-src 'none'; frame-ancestors 'self'; base-uri 'none'; "
               "form-action 'none'")


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True  # an open event stream never holds up the end of the preview

    def __init__(self, port, builder, internal, key):
        super().__init__(("127.0.0.1", port), Handler)
        self.builder, self.internal, self.key = builder, internal, key
        self.port = self.server_address[1]  # the one the system chose, for --port 0
        self.hosts = {f"127.0.0.1:{self.port}", f"localhost:{self.port}"}
        # Browsers send a host's cookies to all its ports: the name tells previews apart.
        self.cookie = f"briefs-preview-{self.port}"
        self.stopping = False

    @property
    def address(self):
        return f"http://127.0.0.1:{self.port}/"

    @property
    def entrance(self):
        """The address to open first: the browser keeps its key as a cookie."""
        return f"{self.address}?key={self.key}"

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):  # else a tab closed mid-answer
            super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
    server_version = "briefs-preview"
    sys_version = ""
    timeout = 60  # seconds a connection may stall: longer than the events' heartbeat

    def do_GET(self):
        if self.headers.get("Host", "") not in self.server.hosts:
            return self._send(HTTPStatus.FORBIDDEN, _text(
                f"This preview answers only at {self.server.address}"), "html")
        parts = urlsplit(self.path)
        path = parts.path
        if _same(parse_qs(parts.query).get("key", [""])[0], self.server.key):
            return self._let_in(path)
        if not _same(self._cookie(), self.server.key):
            return self._send(HTTPStatus.FORBIDDEN, _text(
                "Open the address the preview printed in its terminal, which carries its "
                "key: the preview shows its pages only to a browser that has it."), "html")
        for pattern, name in ROUTES:
            found = pattern.fullmatch(path)
            if found:
                return getattr(self, f"_{name}")(**found.groupdict())
        return self._not_found()

    def do_HEAD(self):
        self.do_GET()

    def do_POST(self):
        self._send(HTTPStatus.METHOD_NOT_ALLOWED, _text("The preview only shows pages."), "html")

    do_PUT = do_DELETE = do_PATCH = do_POST

    def log_message(self, format, *args):
        """Requests are not logged: the terminal is for the builds."""

    def _catalogue(self):
        self._send(HTTPStatus.OK, pages.catalogue_page(self.server.builder,
                                                       self.server.internal), "html")

    def _edition(self, brief, lang):
        page = pages.edition_page(self.server.builder, (brief, lang), self.server.internal)
        if page is None:
            return self._not_found()
        self._send(HTTPStatus.OK, page, "html")

    def _status(self, brief, lang):
        status = pages.edition_status(self.server.builder, (brief, lang))
        if status is None:
            return self._not_found()
        self._send(HTTPStatus.OK, json.dumps(status), "json")

    def _built(self, brief, lang, kind):
        """The edition's web page or PDF, byte for byte as its build wrote it."""
        status = self.server.builder.status((brief, lang))
        built = status["built"]
        if built is None:
            text = ("It cannot be built now: its preview page says why." if status["problems"]
                    else "It is being built: its preview page shows it when it is ready.")
            return self._send(HTTPStatus.SERVICE_UNAVAILABLE, _text(text), "html")
        self._send(HTTPStatus.OK, built.html if kind == "html" else built.pdf, kind,
                   policy=BUILT_PAGES)

    def _font(self, name):
        """A font of templates/fonts, which web pages load from ../assets/fonts/."""
        project = self.server.builder.project
        path = project.templates / "fonts" / name
        kind = path.suffix.lstrip(".").lower()
        try:
            if kind not in FONTS or str(path) not in project.template_files(path.parent):
                return self._not_found()
            data = project.read_bytes(path, "font")
        except ContentError:
            return self._not_found()
        self._send(HTTPStatus.OK, data, kind)

    def _picture(self, brief, lang, version, number):
        built = self.server.builder.status((brief, lang))["built"]
        picture = pages.page_picture(built, int(number)) if built and \
            built.version == version else None
        if picture is None:
            return self._not_found()
        # Its address names the build it shows, so it may be kept while the page is open.
        self._send(HTTPStatus.OK, picture, "png", cache="private, max-age=3600, immutable")

    def _asset(self, name):
        self._send(HTTPStatus.OK, (pages.ASSETS / name).read_bytes(), name.rsplit(".")[-1])

    def _events(self):
        """Server-sent events: one message whenever any build started or ended."""
        edition = parse_qs(urlsplit(self.path).query).get("edition", [""])[0]
        key = tuple(edition.split("/", 1)) if "/" in edition else None
        builder = self.server.builder
        self.send_response(HTTPStatus.OK)
        self._headers("text/event-stream", "no-store", OWN_PAGES)
        self.end_headers()
        if self.command == "HEAD":
            return
        if key:
            builder.watch(key, 1)
        try:
            self.wfile.write(f"retry: {RETRY_MS}\n\n".encode())
            self.wfile.flush()
            seen = builder.wait(None, 0)
            while not self.server.stopping:
                now = builder.wait(seen, HEARTBEAT)
                message = f"data: {now}\n\n" if now != seen else ": still here\n\n"
                self.wfile.write(message.encode())
                self.wfile.flush()
                seen = now
        except OSError:
            pass  # the page was closed
        finally:
            if key:
                builder.watch(key, -1)

    def _cookie(self):
        try:
            morsel = SimpleCookie(self.headers.get("Cookie", "")).get(self.server.cookie)
        except CookieError:
            return ""
        return morsel.value if morsel else ""

    def _let_in(self, path):
        """Keep the key in this browser (not readable by scripts, not sent by other sites'
        pages) and show the page without it in the address."""
        self.send_response(HTTPStatus.SEE_OTHER)
        self.send_header("Location", path)
        self.send_header("Set-Cookie", f"{self.server.cookie}={self.server.key}; HttpOnly; "
                         "SameSite=Strict; Path=/")
        self._headers(TYPES["html"], "no-store", OWN_PAGES)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _not_found(self):
        self._send(HTTPStatus.NOT_FOUND, pages.message_page(
            "Not found", "The project has no such page: its briefs are listed here."), "html")

    def _send(self, status, body, kind, policy=OWN_PAGES, cache="no-store"):
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self._headers(TYPES[kind], cache, policy)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _headers(self, content_type, cache, policy):
        self.send_header("Content-Type", content_type)
        self.send_header("Cache-Control", cache)
        self.send_header("Content-Security-Policy", policy)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")


def _text(text):
    return pages.message_page("briefs preview", text)


def _same(given, key):
    return bool(given) and hmac.compare_digest(given.encode(), key.encode())
