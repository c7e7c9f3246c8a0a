#!/usr/bin/env bash
# The HTML report in real headless Chromium: render the report of fixtures/, take a
# screenshot and check it is not one flat colour, then dump the DOM after the page's script
# ran and check there is one table row per finding, that a filter given in the URL
# fragment leaves exactly the matching rows visible, and that opening a finding (what a
# click does; `open=N` in the fragment) shows its excerpt, alternative and rule docs.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
cargo build -q
out="$root/target/external/html-report"
rm -rf "$out" && mkdir -p "$out"
scaleout="$root/target/debug/scaleout"

# Exit status 1: the fixtures are full of findings on purpose.
run() { local status=0; (cd "$root/fixtures" && "$scaleout" check -q "$@") || status=$?; [ "$status" = 1 ]; }
run --show-all --format html -o "$out/report.html"
run --show-all --format json -o "$out/report.json"

chrome() { chromium --headless --no-sandbox --disable-gpu "$@" 2>>"$out/chromium.log"; }
chrome --window-size=1280,900 --screenshot="$out/screenshot.png" "file://$out/report.html" >/dev/null
chrome --virtual-time-budget=3000 --dump-dom "file://$out/report.html" >"$out/dom.html"
chrome --virtual-time-budget=3000 --dump-dom \
  "file://$out/report.html#category=cron-library&severity=warning" >"$out/dom-filtered.html"
chrome --virtual-time-budget=3000 --dump-dom \
  "file://$out/report.html#q=no-such-text-anywhere" >"$out/dom-none.html"
chrome --virtual-time-budget=3000 --dump-dom "file://$out/report.html#open=1" >"$out/dom-open.html"

python3 - "$out" <<'PY'
import html.parser, json, re, struct, sys, zlib

out = sys.argv[1]

def png_colours(path):
    """Distinct RGB(A) pixel values of an 8-bit PNG (the filters undone by hand)."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width, height, channels = 8, b"", 0, 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", chunk[:10])
            assert depth == 8, depth
            channels = {2: 3, 6: 4}[colour]
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw, stride, prev, colours = zlib.decompress(idat), width * channels, None, set()
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        prev = prev or bytearray(stride)
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            if kind == 1: line[i] = (line[i] + a) & 255
            elif kind == 2: line[i] = (line[i] + b) & 255
            elif kind == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        colours.update(bytes(line[i:i + channels]) for i in range(0, stride, channels))
        prev = line
    return width, height, colours

class Rows(html.parser.HTMLParser):
    """Finding rows (visible or not) and the text of the "shown" counter."""
    def __init__(self):
        super().__init__()
        self.rows, self.in_shown, self.shown = [], False, ""
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and "finding" in (a.get("class") or "").split():
            self.rows.append((a["data-category"], a["data-severity"], "hidden" in a))
        self.in_shown = a.get("id") == "shown"
    def handle_data(self, data):
        if self.in_shown:
            self.shown += data
    def handle_endtag(self, tag):
        self.in_shown = False

def rows(name):
    parser = Rows()
    parser.feed(open(f"{out}/{name}").read())
    return parser

findings = json.load(open(f"{out}/report.json"))["findings"]
width, height, colours = png_colours(f"{out}/screenshot.png")
assert (width, height) == (1280, 900), (width, height)
assert len(colours) > 50, f"screenshot is nearly flat: {len(colours)} colours"

full = rows("dom.html")
assert len(full.rows) == len(findings) > 100, (len(full.rows), len(findings))
assert not any(hidden for _, _, hidden in full.rows), "rows hidden without a filter"
assert full.shown == f"{len(findings)} of {len(findings)} findings", full.shown

wanted = sum(1 for f in findings if f["category"] == "cron-library" and f["severity"] == "warning")
filtered = rows("dom-filtered.html")
visible = [(c, s) for c, s, hidden in filtered.rows if not hidden]
assert len(filtered.rows) == len(findings)
assert 0 < wanted == len(visible) < len(findings), (wanted, len(visible))
assert all(c == "cron-library" and s == "warning" for c, s in visible), visible
assert filtered.shown == f"{wanted} of {len(findings)} findings", filtered.shown

none = rows("dom-none.html")
assert all(hidden for _, _, hidden in none.rows) and none.shown.startswith("0 of"), none.shown
opened = open(f"{out}/dom-open.html").read()
panel = re.search(r'<aside id="detail"([^>]*)>(.*?)</aside>', opened, re.S)
assert panel and "hidden" not in panel.group(1), "the detail panel did not open"
rule = findings[1]["rule_id"]
assert f'<article class="rule" data-rule="{rule}">' in panel.group(2), rule
assert 'class="alternative"' in panel.group(2) and 'class="hit"' in panel.group(2)
assert "<h3>Why it breaks when scaled out</h3>" in panel.group(2)

print(f"html-report: {len(findings)} rows, {wanted} after filtering, screenshot {len(colours)} colours: ok")
PY
