"""A hostile Cirrus API for bench/hostile-memory.sh, on 127.0.0.1 only.

MODE=large-tenant: /stats/streams reports 50,000 streams; availability answers state 1, the rest empty lists.
MODE=oversized: every availability call answers a chunked body far over the size limit.
MODE=parse-heavy: /stats/streams answers a valid body just under the size limit (200,000 rows).
Prints "listening on http://127.0.0.1:PORT" once bound.
"""
import http.server
import os
import sys

MODE = os.environ.get("MODE", "oversized")
ROWS = 50000 if MODE == "large-tenant" else 200000
PER_STREAM = 1 if MODE == "large-tenant" else 14
CHUNK = b"[" + b"1," * 32767 + b"1]"
STATS = (b'{"status":200,"data":[' + b",".join(
    b'{"moduleId":9,"streamId":%d,"subStreamId":0,"statusId":%d,"c":%d}' % (1 + i // PER_STREAM, 1 + i % PER_STREAM, 1 + i % 7)
    for i in range(ROWS)) + b"]}")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        try:
            if MODE in ("parse-heavy", "large-tenant") and self.path.split("?")[0] == "/stats/streams":
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(STATS)))
                self.end_headers()
                self.wfile.write(STATS)
            elif MODE == "oversized" and "streamavailability" in self.path:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                self.wfile.write(b"%x\r\n%s\r\n" % (len(b'{"status":200,"data":'), b'{"status":200,"data":'))
                for _ in range(2000):  # about 128 MiB, bounded
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(CHUNK), CHUNK))
                self.wfile.write(b"0\r\n\r\n")
            else:
                body = b'{"status":200,"data":{"state":1}}' if "streamavailability" in self.path else b'{"status":200,"data":[]}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
server.daemon_threads = True
server.serve_forever()
