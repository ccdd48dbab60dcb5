"""moto's S3 server with every request serialized.

moto 5.2.1 checks If-Match / If-None-Match and then stores the object in two separate steps, without a lock, and
`python -m moto.server` serves requests on many threads: under load two racing conditional PUTs can both see the
precondition hold and both "win" (seen in this project's race tests: two winners for one create-only key). Real S3
servers make the check and the write atomic. This launcher wraps moto's WSGI app in one global lock so each request
(check + write + response body) runs alone, which restores the atomicity the conformance suite relies on, while
keeping HTTP keep-alive (threaded server).

usage: python3 moto-server.py HOST PORT
"""
import signal
import sys
import threading

from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

_lock = threading.Lock()
_app = DomainDispatcherApplication(create_backend_app)


def serialized(environ, start_response):
    with _lock:
        result = _app(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
    return [body]


def main() -> None:
    host, port = sys.argv[1], int(sys.argv[2])
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    run_simple(host, port, serialized, threaded=True)


if __name__ == "__main__":
    main()
