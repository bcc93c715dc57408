"""A local SMS gateway for the tests: records every request (path, headers, body) as one JSON
line in the file given, answers {"code": "OK", "message_id": ...}; the first N requests
(second argument) are answered 503, as a busy gateway does."""
import http.server
import json
import sys

LOG = sys.argv[2]
FAIL_FIRST = int(sys.argv[3]) if len(sys.argv) > 3 else 0
seen = 0


class Gateway(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        global seen
        seen += 1
        length = int(self.headers.get("content-length", "0"))
        body = self.rfile.read(length).decode("utf-8")
        with open(LOG, "a", encoding="utf-8") as f:
            f.write(json.dumps({
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body,
            }, ensure_ascii=False) + "\n")
        if seen <= FAIL_FIRST:
            status, reply = 503, {"code": "BUSY", "message": "gateway busy"}
        else:
            status, reply = 200, {"code": "OK", "message_id": "sms-%d" % seen}
        out = json.dumps(reply).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args):
        pass


http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Gateway).serve_forever()
