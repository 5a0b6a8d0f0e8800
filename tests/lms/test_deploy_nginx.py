"""``deploy/nginx.conf`` run by a real nginx (Debian's package; skipped where it is not
installed): the file passes ``nginx -t`` as shipped, apart from the certificate paths, and in
front of a recording upstream it redirects HTTP to HTTPS, passes the headers the settings read,
keeps the media folder closed and sends the request on otherwise."""

from __future__ import annotations

import http.server
import shutil
import socket
import ssl
import subprocess  # nosec B404 - runs the nginx binary on a file of this repository
import threading
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
OPENSSL = shutil.which("openssl")
HOST = "learn.acme.example"

pytestmark = pytest.mark.skipif(not (NGINX and OPENSSL), reason="nginx (Debian package) or openssl missing")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Recorder(http.server.BaseHTTPRequestHandler):
    seen: list[tuple[str, dict[str, str]]] = []

    def do_GET(self):  # noqa: N802 - the standard library's name
        Recorder.seen.append((self.path, {name.lower(): value for name, value in self.headers.items()}))
        body = b"upstream"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def site_config(tmp_path: Path, *, http_port: int, https_port: int, upstream_port: int) -> Path:
    subprocess.run(  # noqa: S603 - fixed arguments  # nosec B603
        [OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={HOST}",
         "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    config = (ROOT / "deploy" / "nginx.conf").read_text()
    replacements = {
        f"/etc/letsencrypt/live/{HOST}/fullchain.pem": str(tmp_path / "cert.pem"),
        f"/etc/letsencrypt/live/{HOST}/privkey.pem": str(tmp_path / "key.pem"),
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen [::]:80;": "",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "listen [::]:443 ssl http2;": "",
        "server 127.0.0.1:8000 ": f"server 127.0.0.1:{upstream_port} ",
    }
    for old, new in replacements.items():
        assert old in config, old
        config = config.replace(old, new)
    (tmp_path / "site.conf").write_text(config)
    main = tmp_path / "nginx.conf"
    temp = "\n".join(
        f"    {kind}_temp_path {tmp_path / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main.write_text(
        f"pid {tmp_path / 'nginx.pid'};\nerror_log {tmp_path / 'error.log'};\nevents {{}}\n"
        f"http {{\n    include /etc/nginx/mime.types;\n    access_log off;\n{temp}\n"
        f"    include {tmp_path / 'site.conf'};\n}}\n"
    )
    return main


def test_the_shipped_configuration_passes_nginx_t_and_proxies_as_the_settings_expect(tmp_path):
    # given: a recording upstream where gunicorn would be, and nginx on the shipped file
    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    http_port, https_port = free_port(), free_port()
    main = site_config(tmp_path, http_port=http_port, https_port=https_port, upstream_port=upstream.server_port)
    check = subprocess.run([NGINX, "-t", "-c", str(main), "-p", str(tmp_path)], capture_output=True, text=True)  # noqa: S603  # nosec B603
    assert check.returncode == 0, check.stderr
    server = subprocess.Popen([NGINX, "-c", str(main), "-p", str(tmp_path), "-g", "daemon off;"])  # noqa: S603  # nosec B603
    context = ssl.create_default_context(cafile=str(tmp_path / "cert.pem"))
    context.check_hostname = False

    def fetch(url: str, **headers: str):
        request = urllib.request.Request(url, headers={"Host": HOST, **headers})
        opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context), NoRedirect)
        try:
            response = opener.open(request, timeout=10)  # noqa: S310 - our own loopback URL  # nosec B310
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), b""
        return response.status, dict(response.headers), response.read()

    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", https_port)) == 0:
                    break
            time.sleep(0.05)

        # when
        plain = fetch(f"http://127.0.0.1:{http_port}/courses/?page=2")
        page = fetch(f"https://127.0.0.1:{https_port}/courses/", **{"X-Forwarded-For": "203.0.113.9"})
        document = fetch(f"https://127.0.0.1:{https_port}/media/documents/contract.pdf")
        image = fetch(f"https://127.0.0.1:{https_port}/media/original_images/missing.png")
    finally:
        server.terminate()
        server.wait(timeout=10)
        upstream.shutdown()

    # then: HTTP is only a redirect; HTTPS reaches the upstream with the headers the settings
    # read; the media folder answers 404 from nginx, images included when the file is missing
    assert (plain[0], plain[1]["Location"]) == (301, f"https://{HOST}/courses/?page=2")
    assert (page[0], page[2]) == (200, b"upstream")
    [(path, headers)] = Recorder.seen
    assert path == "/courses/"
    assert headers["host"] == HOST
    assert headers["x-forwarded-proto"] == "https"
    # The client's own header is kept on the left; nginx appends the address it saw, which is
    # the one the settings count (PORTE_VOIX_TRUSTED_PROXY_COUNT=1: the last entry).
    assert headers["x-forwarded-for"] == "203.0.113.9, 127.0.0.1"
    assert document[0] == 404
    assert image[0] == 404


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
