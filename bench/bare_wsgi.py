"""The ceiling of this stack: waitress serving fixed bytes from a bare WSGI callable.

A GET is answered with the bytes; a POST (its body read) with a 303 to `/done`, as a form
that was accepted. Run as `python -m bench.bare_wsgi BODY_FILE PORT THREADS`.
"""

from __future__ import annotations

import logging
import sys

from waitress import serve


def main() -> None:
    logging.getLogger("waitress").setLevel(logging.ERROR)  # queue-depth notes are expected
    body_file, port, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    with open(body_file, "rb") as f:
        body = f.read()
    headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))]

    def app(environ, start_response):  # type: ignore[no-untyped-def]
        if environ["REQUEST_METHOD"] == "POST":
            environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            start_response("303 See Other", [("Location", "/done"), ("Content-Length", "0")])
            return [b""]
        start_response("200 OK", headers)
        return [body]

    serve(
        app,
        host="127.0.0.1",
        port=port,
        threads=threads,
        ident="motesplats",
        channel_timeout=30,
        _quiet=True,
    )


if __name__ == "__main__":
    main()
