"""Writes a PDF of about SIZE MiB (argument 2) to PATH (argument 1): pages of text whose content
streams hold varied, incompressible-enough bytes, and a valid cross-reference table. A stand-in
for a large scanned or generated document set, made without any library."""
import os
import sys

path, size_mib = sys.argv[1], float(sys.argv[2])
target = int(size_mib * 1024 * 1024)
page_bytes = 512 * 1024
pages = max(1, target // page_bytes)
out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
offsets = []


def obj(body: bytes) -> int:
    offsets.append(len(out))
    n = len(offsets)
    out.extend(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    return n


catalog = obj(b"<< /Type /Catalog /Pages 2 0 R >>")
pages_id = obj(b"")  # filled below
font = obj(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
kids = []
for i in range(pages):
    lines, n = [], 0
    while n < page_bytes:
        word = os.urandom(24).hex()
        line = b"BT /F1 6 Tf 20 %d Td (%s) Tj ET\n" % (20 + len(lines) % 800, word.encode())
        lines.append(line)
        n += len(line)
    content = b"".join(lines)
    c = obj(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    kids.append(obj(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                    b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>" % (font, c)))
# Rewrite object 2 (the page tree) at the end, as an incremental-style replacement is not
# needed: place it now and point the xref at it.
offsets[pages_id - 1] = len(out)
out.extend(b"%d 0 obj\n<< /Type /Pages /Kids [%s] /Count %d >>\nendobj\n"
           % (pages_id, b" ".join(b"%d 0 R" % k for k in kids), len(kids)))
xref = len(out)
out.extend(b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1))
for o in offsets:
    out.extend(b"%010d 00000 n \n" % o)
out.extend(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
           % (len(offsets) + 1, catalog, xref))
with open(path, "wb") as f:
    f.write(out)
