#!/usr/bin/env python3
"""The page's test in a real browser: `thumbworker serve` and its one static page, driven by headless Chromium.

It starts the server itself (local backends in a temporary folder, a free port), then at 1440×900:
  - the page loads with no script error and its live connection (/live websocket) comes up;
  - a group is created with the keyboard only (Tab to the name field, type, Enter), is listed, and opens;
  - landscape.jpg and tall.png (good) and corrupt.png (broken) are uploaded through the file input: every tile shows
    processing first; their thumbnails.ready / thumbnails.failed events arrive on the websocket; the good ones then
    show an <img> with naturalWidth > 0 whose src is one of the image's thumbnail URLs, over the ThumbHash placeholder
    and dominant colour; the broken one shows a visible failure message; no tile's box moved or changed size when its
    thumbnail arrived (and the browser saw no layout shift in the grid);
  - an SVG is refused by the page before anything is sent; a file over limits.max_input_bytes (set to 12000 for the
    test) is refused by the upload URL with 413, and its tile says why;
  - a file dropped on the page (a synthetic drop event carrying a DataTransfer made from a fetched thumbnail) becomes
    ready;
  - after a reload the same group is open (hash routing) with the same images;
  - accessibility basics: every input has a label, the grid and regions have names, images have alt text, the messages
    region is aria-live, and Tab reaches the file input and every delete button, each showing a focus outline;
  - an image is deleted with its button (by keyboard): its tile goes and GET /images/{id} answers 404;
  - whole-page screenshots out/browser/page-1440.png and, at 375×812, page-375.png; at 375 px nothing scrolls
    sideways and the tiles stay square;
  - the group is deleted through its confirmation dialog, and GET /groups/{id} answers 404.
The server is stopped with SIGTERM at the end, failed or not. Every wait is bounded.

Run it from anywhere (it runs the server from the repository root, which has worker.conf):

    "$DEPLOY_TOOLS/python" Tests/Browser/page_test.py --binary .build/debug/thumbworker --out out/browser

It needs Debian's chromium and chromium-driver (scripts/install-deps.sh --tests) and selenium
(scripts/deploy-tools.txt; scripts/deploy-tools.sh prints the venv's bin folder). Exits 0 when every check passes,
1 with the failed check's message (and out/browser/failure.png, server.log) otherwise.
"""

import argparse
import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

ROOT = Path(__file__).resolve().parents[2]
TESTDATA = ROOT / "testdata"
GOOD_FILES = ["landscape.jpg", "tall.png"]
BROKEN_FILE = "corrupt.png"
DROPPED_NAME = "dropped.jpg"
REFUSED_FILE = "vector.svg"          # a type the page refuses before asking the server
TOO_LARGE_FILE = "wide.jpg"          # 17 KB, over MAX_INPUT_BYTES: the upload URL answers 413
MAX_INPUT_BYTES = 12000
GROUP_NAME = "Browser test – Lakeside"

STARTUP_SECONDS = 30
THUMBNAIL_SECONDS = 60
UI_SECONDS = 15


class Failure(Exception):
    """A check that did not hold; its message says which and what was seen."""


def step(message, started=[time.monotonic()]):
    """Prints one line per step with the time since the previous one."""
    now = time.monotonic()
    print(f"page test: {message} ({now - started[0]:.1f} s)", flush=True)
    started[0] = now


def wait_for(description, probe, timeout, interval=0.1):
    """Polls `probe` until it returns something truthy, which it returns; fails after `timeout` s with what it saw."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            last = probe()
        except WebDriverException as error:
            last = f"{type(error).__name__}: {error.msg}"
        else:
            if last:
                return last
        if time.monotonic() > deadline:
            raise Failure(f"timed out after {timeout} s waiting for {description}; last seen: {last!r}")
        time.sleep(interval)


def check(condition, message):
    if not condition:
        raise Failure(message)


# --- the server ---------------------------------------------------------------------------------------------------


def free_port():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        return listener.getsockname()[1]


def http(method, url, body=None):
    """(status, parsed JSON or text) of a request to the server; never raises for an HTTP status."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, text = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read().decode(errors="replace")
    try:
        return status, json.loads(text) if text else None
    except ValueError:
        return status, text


class Server:
    """`thumbworker serve` on local backends in a temporary folder."""

    def __init__(self, binary, log_path):
        self.folder = tempfile.mkdtemp(prefix="thumbworker-page-test-")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        env = dict(os.environ)
        env.update({
            "THUMBWORKER_QUEUE_LOCAL_PATH": f"{self.folder}/queue.sqlite",
            "THUMBWORKER_LOCAL_ROOT": f"{self.folder}/buckets",
            "THUMBWORKER_QUEUE_WAIT_SECONDS": "1",
            # Small enough that TOO_LARGE_FILE is refused with 413, large enough for every other file here.
            "THUMBWORKER_LIMITS_MAX_INPUT_BYTES": str(MAX_INPUT_BYTES),
        })
        self.log = open(log_path, "wb")
        self.process = subprocess.Popen(
            [binary, "serve", "--config", "worker.conf", "--port", str(self.port)],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_until_ready(self):
        def answers():
            if self.process.poll() is not None:
                raise Failure(f"the server exited with {self.process.returncode} before answering:\n{self.log_tail()}")
            try:
                return http("GET", f"{self.base}/groups")[0] == 200
            except OSError:
                return False
        wait_for(f"GET {self.base}/groups to answer 200", answers, STARTUP_SECONDS, interval=0.2)

    def stop(self):
        """SIGTERM, then a bounded wait; SIGKILL if it will not go. Returns the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
                raise Failure("the server did not stop within 20 s of SIGTERM (killed)")
        self.log.close()
        shutil.rmtree(self.folder, ignore_errors=True)
        return self.process.returncode

    def log_tail(self, lines=30):
        try:
            if not self.log.closed:
                self.log.flush()
            return "\n".join(Path(self.log_path).read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"


# --- the browser --------------------------------------------------------------------------------------------------


def start_browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1440,900",
                     "--disable-gpu", "--no-first-run", "--disable-extensions"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    return driver


def set_viewport(driver, width, height):
    """Makes the page's viewport exactly width×height CSS pixels (device pixel ratio 1)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
    size = wait_for(f"a {width}×{height} viewport",
                    lambda: (lambda s: s if s == [width, height] else None)(
                        driver.execute_script("return [window.innerWidth, window.innerHeight]")), UI_SECONDS)
    return size


def save_page(driver, path):
    """Saves a screenshot of the whole page at the current viewport width (not only what the viewport shows)."""
    width, height = driver.execute_script(
        "return [window.innerWidth, Math.max(document.documentElement.scrollHeight, window.innerHeight)]")
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
    Path(path).write_bytes(base64.b64decode(shot["data"]))


def press(driver, *keys):
    ActionChains(driver).send_keys(*keys).perform()


def active(driver):
    """What has the focus: id, classes, tag, accessible-ish name, and the tile it is in."""
    return driver.execute_script("""
        const e = document.activeElement;
        const tile = e.closest('.tile');
        const label = e.matches('.file-input') ? document.querySelector('label[for="file-input"]') : e;
        const style = getComputedStyle(label);
        return {id: e.id, tag: e.tagName.toLowerCase(), cls: e.className || '',
                name: e.getAttribute('aria-label') || e.textContent.trim().slice(0, 60),
                tileId: tile ? tile.dataset.imageId : null,
                outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0};
    """)


TILES_JS = """
    return Array.from(document.querySelectorAll('#image-grid .tile')).map((tile) => {
        const frame = tile.querySelector('.frame').getBoundingClientRect();
        const thumb = tile.querySelector('img.thumb');
        const placeholder = tile.querySelector('img.placeholder');
        const failure = tile.querySelector('.failure');
        const shown = (e) => !!e && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
        return {
            id: tile.dataset.imageId || null,
            title: tile.querySelector('.tile-title').textContent,
            status: tile.dataset.status,
            history: tile.__history || [],
            rect: [frame.left + scrollX, frame.top + scrollY, frame.width, frame.height],
            thumbSrc: thumb.currentSrc || thumb.getAttribute('src') || '',
            thumbLoaded: thumb.complete && thumb.naturalWidth > 0 && !thumb.hidden,
            thumbNatural: [thumb.naturalWidth, thumb.naturalHeight],
            thumbOpacity: getComputedStyle(thumb).opacity,
            placeholderSrc: placeholder.getAttribute('src') || '',
            placeholderNatural: [placeholder.naturalWidth, placeholder.naturalHeight],
            background: getComputedStyle(tile.querySelector('.frame')).backgroundColor,
            failureShown: shown(failure) && failure.textContent.trim().length > 0,
            failureText: failure.textContent.trim(),
        };
    });
"""

# Records every tile's status changes with its box at that moment, and the browser's layout shifts in the grid.
WATCH_JS = """
    const grid = document.getElementById('image-grid');
    const watch = window.__pageTest = {shifts: []};
    const note = (tile) => {
        const frame = tile.querySelector('.frame');
        if (!frame) return;
        const r = frame.getBoundingClientRect();
        (tile.__history = tile.__history || []).push(
            {status: tile.dataset.status, at: performance.now(),
             rect: [r.left + scrollX, r.top + scrollY, r.width, r.height]});
    };
    new MutationObserver((records) => {
        for (const record of records) {
            if (record.type === 'attributes' && record.target.classList.contains('tile')) note(record.target);
            for (const node of record.addedNodes || []) {
                if (node.nodeType === 1 && node.classList.contains('tile') && !node.__history) note(node);
            }
        }
    }).observe(grid, {subtree: true, childList: true, attributes: true, attributeFilter: ['data-status']});
    new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
            if ((entry.sources || []).some((s) => s.node && (grid === s.node || grid.contains(s.node)))) {
                const box = (r) => [r.x, r.y, r.width, r.height].map(Math.round).join(',');
                watch.shifts.push({at: entry.startTime, value: entry.value, moved: entry.sources.map((s) =>
                    `${s.node ? s.node.nodeName + '.' + (s.node.className || '') : '?'} ` +
                    `${box(s.previousRect)} → ${box(s.currentRect)}`)});
            }
        }
    }).observe({type: 'layout-shift', buffered: false});
    return true;
"""


def tiles(driver):
    return driver.execute_script(TILES_JS)


def tile_named(driver, title):
    return next((tile for tile in tiles(driver) if tile["title"] == title), None)


def thumbnail_urls(image):
    """The URLs a thumbnail of `image` may be shown from: its `url`, or the local bucket route."""
    urls = set()
    for thumbnail in image.get("thumbnails") or []:
        if thumbnail.get("url"):
            urls.add(thumbnail["url"])
        urls.add(f"/local/{thumbnail['bucket']}/{thumbnail['key']}")
    return urls


def check_ready_tile(server, tile):
    """A ready tile shows one of its image's thumbnails, loaded, over its placeholder and dominant colour."""
    status, image = http("GET", f"{server.base}/images/{tile['id']}")
    check(status == 200, f"GET /images/{tile['id']} answered {status}: {image}")
    check(image["status"] == "ready", f"{tile['title']}: the API says {image['status']}, the tile says ready")
    src = tile["thumbSrc"].replace(server.base, "")
    check(any(src == url or src.endswith(url) for url in thumbnail_urls(image)),
          f"{tile['title']}: the <img> shows {tile['thumbSrc']}, "
          f"none of the thumbnails {sorted(thumbnail_urls(image))}")
    check(tile["thumbNatural"][0] > 0, f"{tile['title']}: the thumbnail has naturalWidth {tile['thumbNatural'][0]}")
    placeholder = image.get("placeholder")
    check(placeholder and placeholder.get("thumbHash"), f"{tile['title']}: the image has no placeholder: {image}")
    check(tile["placeholderSrc"].startswith("data:image/png"),
          f"{tile['title']}: the ThumbHash placeholder is not a PNG data URL: {tile['placeholderSrc'][:40]!r}")
    width, height = tile["placeholderNatural"]
    check(0 < width <= 32 and 0 < height <= 32, f"{tile['title']}: the ThumbHash decoded to {width}×{height}")
    thumb_w, thumb_h = tile["thumbNatural"]
    check(abs(width / height - thumb_w / thumb_h) < 0.3 * max(1, thumb_w / thumb_h),
          f"{tile['title']}: placeholder {width}×{height} and thumbnail {thumb_w}×{thumb_h} differ in shape")
    colour = placeholder["dominantColor"]
    rgb = f"rgb({int(colour[1:3], 16)}, {int(colour[3:5], 16)}, {int(colour[5:7], 16)})"
    check(tile["background"] == rgb, f"{tile['title']}: the tile's background is {tile['background']}, "
                                     f"the dominant colour {colour} is {rgb}")


def check_no_shift(tile, after):
    """The tile's box while it was processing is its box once its thumbnail (or failure) is shown."""
    boxes = [entry["rect"] for entry in tile["history"] if entry["status"] in ("processing", "ready", "failed")]
    check(boxes, f"{tile['title']}: no box was recorded while it was processing: {tile['history']}")
    for box in boxes + [after["rect"]]:
        check(all(abs(a - b) < 0.5 for a, b in zip(box, boxes[0])),
              f"{tile['title']}: the tile moved or changed size as it became {after['status']}: "
              f"{boxes[0]} → {box} (history {tile['history']})")


def check_history(tile, final):
    statuses = [entry["status"] for entry in tile["history"]]
    check("processing" in statuses, f"{tile['title']}: never showed processing (statuses {statuses})")
    check(statuses.index("processing") < statuses.index(final),
          f"{tile['title']}: showed {final} before processing (statuses {statuses})")


def websocket_frames(driver):
    """The JSON frames the page sent and received on its websockets since the last call: (sent, received)."""
    sent, received = [], []
    for entry in driver.get_log("performance"):
        event = json.loads(entry["message"])["message"]
        if event["method"] in ("Network.webSocketFrameSent", "Network.webSocketFrameReceived"):
            try:
                frame = json.loads(event["params"]["response"]["payloadData"])
            except (KeyError, ValueError):
                continue
            (sent if event["method"].endswith("Sent") else received).append(frame)
    return sent, received


def console_errors(driver):
    """The browser console's errors, but for the 413 the too-large upload is meant to get."""
    try:
        entries = driver.get_log("browser")
    except WebDriverException:
        return []
    return [entry["message"] for entry in entries if entry.get("level") == "SEVERE"
            and not ("/local/uploads/" in entry["message"] and " 413 " in entry["message"])]


# --- the test -----------------------------------------------------------------------------------------------------


def run(binary, out):
    server = Server(binary, out / "server.log")
    driver = None
    try:
        server.wait_until_ready()
        step(f"server answers on {server.base}")
        driver = start_browser()
        set_viewport(driver, 1440, 900)
        step("chromium started, viewport 1440×900")
        try:
            exercise(driver, server, out)
        except BaseException:
            try:
                driver.save_screenshot(str(out / "failure.png"))
                print(f"page test: screenshot of the failure in {out / 'failure.png'}", file=sys.stderr)
                errors = console_errors(driver)
                if errors:
                    print("page test: browser console errors:\n  " + "\n  ".join(errors), file=sys.stderr)
            except WebDriverException:
                pass
            raise
    except Failure:
        print(f"page test: server log (last lines, all in {server.log_path}):\n{server.log_tail()}", file=sys.stderr)
        raise
    finally:
        if driver is not None:
            try:
                driver.quit()
            except WebDriverException:
                pass
        status = server.stop()
    check(status in (0, -signal.SIGTERM), f"the server exited with {status} after SIGTERM:\n{server.log_tail()}")
    step("server stopped with SIGTERM")


def exercise(driver, server, out):
    driver.get(f"{server.base}/")
    wait_for("the page's script to run (the groups list loaded, the form ready)",
             lambda: driver.execute_script(
                 "return document.readyState === 'complete' && (!document.getElementById('groups-empty').hidden"
                 " || document.querySelectorAll('#group-list li').length > 0)"), UI_SECONDS)
    wait_for("the live connection (#connection data-state=live)",
             lambda: driver.execute_script("return document.getElementById('connection').dataset.state") == "live",
             UI_SECONDS)
    errors = console_errors(driver)
    check(not errors, f"the page logged errors on load: {errors}")
    step("page loaded, live connection up, no console errors")

    # A group, by keyboard only: Tab to the name field, type, Enter.
    def tab_to_name():
        press(driver, Keys.TAB)
        return active(driver)["id"] == "group-name"
    wait_for("Tab to reach the group name field", tab_to_name, UI_SECONDS, interval=0)
    press(driver, GROUP_NAME, Keys.ENTER)
    group_id = wait_for("the new group to be listed, current and open", lambda: driver.execute_script("""
        const link = Array.from(document.querySelectorAll('#group-list a.group-link'))
            .find((a) => a.firstChild && a.firstChild.textContent === arguments[0]);
        const open = !document.getElementById('group-view').hidden
            && document.getElementById('group-title').textContent === arguments[0];
        const match = location.hash.match(/^#\\/groups\\/([0-9a-f]{24})$/);
        return link && link.getAttribute('aria-current') === 'page' && open && match
            && link.dataset.groupId === match[1] ? match[1] : null;
    """, GROUP_NAME), UI_SECONDS)
    status, group = http("GET", f"{server.base}/groups/{group_id}")
    check(status == 200 and group["name"] == GROUP_NAME, f"GET /groups/{group_id} answered {status}: {group}")
    step(f"group created by keyboard, listed and open (#/groups/{group_id})")

    # Uploads through the file input: two good photos and a broken one, in one pick.
    driver.execute_script(WATCH_JS)
    paths = [str(TESTDATA / name) for name in GOOD_FILES + [BROKEN_FILE]]
    for path in paths:
        check(Path(path).is_file(), f"missing test image {path}")
    driver.find_element(By.ID, "file-input").send_keys("\n".join(paths))
    wait_for("three tiles", lambda: len(tiles(driver)) == 3, UI_SECONDS)
    titles = GOOD_FILES + [BROKEN_FILE]

    def settled():
        current = {tile["title"]: tile for tile in tiles(driver)}
        good = all(title in current and current[title]["status"] == "ready" and current[title]["thumbLoaded"]
                   and current[title]["thumbOpacity"] == "1" for title in GOOD_FILES)
        broken = current.get(BROKEN_FILE)
        done = good and broken and broken["status"] == "failed" and broken["failureShown"]
        return current if done else None
    settled_tiles = wait_for("the good photos' thumbnails and the broken one's failure", settled, THUMBNAIL_SECONDS,
                             interval=0.25)
    for title in GOOD_FILES:
        tile = settled_tiles[title]
        check_history(tile, "ready")
        check_ready_tile(server, tile)
        check_no_shift(tile, tile)
    broken = settled_tiles[BROKEN_FILE]
    check_history(broken, "failed")
    check_no_shift(broken, broken)
    status, image = http("GET", f"{server.base}/images/{broken['id']}")
    check(status == 200 and image["status"] == "failed", f"GET /images/{broken['id']}: {status} {image}")
    check(image.get("error", {}).get("message", "") in broken["failureText"],
          f"the failure shown ({broken['failureText']!r}) does not carry the API's reason ({image.get('error')})")
    first_processing = max(next(e["at"] for e in tile["history"] if e["status"] == "processing")
                           for tile in settled_tiles.values())
    shifts = [s for s in driver.execute_script("return window.__pageTest.shifts") if s["at"] > first_processing]
    check(sum(s["value"] for s in shifts) < 0.001, f"the grid shifted while thumbnails arrived: {shifts}")
    sent, received = websocket_frames(driver)
    check({"action": "subscribe", "groupId": group_id} in sent, f"the page never subscribed to the group: {sent}")
    for title, kind in [(title, "thumbnails.ready") for title in GOOD_FILES] + [(BROKEN_FILE, "thumbnails.failed")]:
        image_id = settled_tiles[title]["id"]
        check(any(f.get("type") == kind and (f.get("image") or {}).get("id") == image_id for f in received),
              f"no {kind} event for {title} ({image_id}) came on the websocket; "
              f"it got {[f.get('type') for f in received]}")
    toasts = driver.execute_script(
        "return Array.from(document.querySelectorAll('#messages .message.error')).map((m) => m.textContent)")
    check(any(BROKEN_FILE in text for text in toasts), f"no message announced the failure of {BROKEN_FILE}: {toasts}")
    step(f"uploaded {', '.join(titles)}: processing first, then their websocket events, thumbnails over "
         "placeholders / the failure; no layout shift")

    # Refusals: a type the app does not take is refused in the page; a file over the server's limit is refused by the
    # upload URL (413), its message shown on its tile, and its image item removed again.
    count = len(tiles(driver))
    driver.find_element(By.ID, "file-input").send_keys(str(TESTDATA / REFUSED_FILE))
    wait_for(f"a message refusing {REFUSED_FILE}", lambda: driver.execute_script(
        "return Array.from(document.querySelectorAll('#messages .message.error'))"
        ".some((m) => m.textContent.includes(arguments[0]))", REFUSED_FILE), UI_SECONDS)
    check(len(tiles(driver)) == count, f"{REFUSED_FILE} got a tile although its type is refused")
    check((TESTDATA / TOO_LARGE_FILE).stat().st_size > MAX_INPUT_BYTES, f"{TOO_LARGE_FILE} is not over the limit")
    driver.find_element(By.ID, "file-input").send_keys(str(TESTDATA / TOO_LARGE_FILE))
    large = wait_for(f"{TOO_LARGE_FILE}'s upload to be refused",
                     lambda: (lambda t: t if t and t["status"] == "failed" and t["failureShown"] else None)(
                         tile_named(driver, TOO_LARGE_FILE)), UI_SECONDS)
    check("refused" in large["failureText"].lower() and str(MAX_INPUT_BYTES) in large["failureText"],
          f"{TOO_LARGE_FILE}'s tile does not give the server's reason: {large['failureText']!r}")
    check(large["id"], f"{TOO_LARGE_FILE}'s tile has no image id")
    wait_for(f"GET /images/{large['id']} to answer 404 (the page removes the item of a refused upload)",
             lambda: http("GET", f"{server.base}/images/{large['id']}")[0] == 404, UI_SECONDS)
    driver.execute_script("""
        const tile = document.querySelector(`#image-grid .tile[data-image-id="${arguments[0]}"]`);
        tile.querySelector('.delete-image').click();
    """, large["id"])
    wait_for(f"{TOO_LARGE_FILE}'s tile to be dismissed", lambda: tile_named(driver, TOO_LARGE_FILE) is None, UI_SECONDS)
    step(f"{REFUSED_FILE} refused by the page; {TOO_LARGE_FILE} refused by the server (413) with its reason shown")

    # Drag and drop: a synthetic drop carrying a file made from an existing thumbnail.
    dropped_from = settled_tiles[GOOD_FILES[0]]["thumbSrc"]
    result = driver.execute_async_script("""
        const [url, name, done] = arguments;
        fetch(url).then((r) => r.blob()).then((blob) => {
            const data = new DataTransfer();
            data.items.add(new File([blob], name, {type: 'image/jpeg'}));
            const zone = document.getElementById('drop-zone');
            const fire = (type) => zone.dispatchEvent(
                new DragEvent(type, {dataTransfer: data, bubbles: true, cancelable: true}));
            fire('dragenter');
            fire('dragover');
            const highlighted = zone.classList.contains('dragging');
            const accepted = !fire('drop');
            done({highlighted, accepted, bytes: blob.size});
        }).catch((error) => done({error: String(error)}));
    """, dropped_from, DROPPED_NAME)
    check("error" not in result, f"could not build the dropped file: {result}")
    check(result["highlighted"], "the drop zone was not highlighted while a file was dragged over it")
    check(result["accepted"], "the page did not take the drop (preventDefault)")
    dropped = wait_for(f"{DROPPED_NAME} to become ready",
                       lambda: (lambda t: t if t and t["status"] == "ready" and t["thumbLoaded"] else None)(
                           tile_named(driver, DROPPED_NAME)), THUMBNAIL_SECONDS, interval=0.25)
    check_history(dropped, "ready")
    check_ready_tile(server, dropped)
    check_no_shift(dropped, dropped)
    step(f"dropped {DROPPED_NAME} ({result['bytes']} bytes) became ready")

    # Reload: the hash keeps the group open, and the listing brings every image back as it was.
    before = {tile["id"]: tile["status"] for tile in tiles(driver)}
    driver.refresh()
    wait_for("the group to open again after the reload", lambda: driver.execute_script(
        "return !document.getElementById('group-view').hidden && "
        "document.getElementById('group-title').textContent === arguments[0]", GROUP_NAME), UI_SECONDS)
    after = wait_for("the same images after the reload", lambda: (lambda now: now if {
        t["id"]: t["status"] for t in now} == before and all(
        t["thumbLoaded"] for t in now if t["status"] == "ready") else None)(tiles(driver)), UI_SECONDS)
    failed_again = next(t for t in after if t["status"] == "failed")
    check(failed_again["failureShown"], "after the reload the failed image shows no failure message")
    step(f"reloaded: the group is still open with the same {len(after)} images")

    # Accessibility basics.
    problems = driver.execute_script("""
        const problems = [];
        const name = (e) => (e.getAttribute('aria-label') || '').trim()
            || (e.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean)
                .map((id) => (document.getElementById(id) || {}).textContent || '').join(' ').trim()
            || Array.from(e.labels || []).map((l) => l.textContent).join(' ').trim();
        for (const e of document.querySelectorAll('input, select, textarea')) {
            if (e.type !== 'hidden' && !name(e)) problems.push(`input #${e.id || e.name} has no label`);
        }
        for (const e of document.querySelectorAll('button, a[href]')) {
            if (!name(e) && !e.textContent.trim()) {
                problems.push(`${e.tagName} ${e.outerHTML.slice(0, 80)} has no name`);
            }
        }
        for (const id of ['image-grid', 'group-view', 'group-list']) {
            if (!name(document.getElementById(id))) problems.push(`#${id} has no accessible name`);
        }
        if (!name(document.getElementById('image-grid')).includes(arguments[0])) {
            problems.push('the grid is not named after its group');
        }
        if (!document.querySelector('nav') || !name(document.querySelector('nav'))) problems.push('no named nav');
        if (!document.querySelector('main')) problems.push('no main landmark');
        if (document.querySelectorAll('h1').length !== 1) problems.push('not exactly one h1');
        if (!document.documentElement.lang) problems.push('no lang on html');
        const live = document.getElementById('messages');
        if (!live || !['polite', 'assertive'].includes(live.getAttribute('aria-live'))) {
            problems.push('no aria-live messages region');
        }
        for (const img of document.querySelectorAll('#image-grid img.thumb:not([hidden])')) {
            if (!img.alt.trim()) problems.push(`thumbnail ${img.src} has no alt text`);
        }
        for (const img of document.querySelectorAll('#image-grid img.placeholder')) {
            if (img.getAttribute('alt') !== '') problems.push('a placeholder is not marked decorative (alt="")');
        }
        return problems;
    """, GROUP_NAME)
    check(not problems, "accessibility problems: " + "; ".join(problems))

    # Tab from the top of the freshly loaded page: it must reach the file input and every delete button, visibly,
    # and stop on the dropped image's delete button, which Enter then presses.
    dropped_id = dropped["id"]
    tile_ids = {t["id"] for t in after}
    reached = []
    for _ in range(80):
        press(driver, Keys.TAB)
        focus = active(driver)
        reached.append(focus)
        if "delete-image" in focus["cls"] and focus["tileId"] == dropped_id:
            break
    names = [f["id"] or f["name"] for f in reached]
    check(any(f["id"] == "file-input" for f in reached), f"Tab never reached the file input; it reached {names}")
    check(any(f["id"] == "delete-group" for f in reached), f"Tab never reached the delete-group button: {names}")
    deletes = {f["tileId"] for f in reached if "delete-image" in f["cls"]}
    check(deletes == tile_ids, f"Tab reached the delete buttons of {sorted(deletes)}, not of all of {sorted(tile_ids)}")
    unseen = [f["id"] or f["name"] for f in reached
              if (f["tag"] in ("button", "a") or f["id"] == "file-input") and not f["outline"]]
    check(not unseen, f"these got the focus without a visible outline: {unseen}")
    step(f"accessibility basics hold; Tab reached the file input and all {len(deletes)} delete buttons")

    # Delete the dropped image with its button (Enter on the focused button).
    press(driver, Keys.ENTER)
    wait_for(f"the tile of {DROPPED_NAME} to go", lambda: tile_named(driver, DROPPED_NAME) is None, UI_SECONDS)
    status, _ = http("GET", f"{server.base}/images/{dropped_id}")
    check(status == 404, f"GET /images/{dropped_id} answered {status} after the delete, not 404")
    focus = active(driver)
    check("delete-image" in focus["cls"] or focus["id"] == "file-input",
          f"after the delete the focus went to {focus}, not to a neighbouring delete button or the file input")
    step("deleted an image with its button: its tile went and GET /images/{id} answers 404")

    # Screenshots at 1440 and 375 px; nothing scrolls sideways on the phone.
    driver.execute_script("document.querySelectorAll('#messages .message-close').forEach((b) => b.click())")
    wait_for("the messages to be dismissed", lambda: driver.execute_script(
        "return document.querySelectorAll('#messages .message').length === 0"), UI_SECONDS)
    save_page(driver, out / "page-1440.png")
    set_viewport(driver, 375, 812)
    time.sleep(0.3)
    width = driver.execute_script("return document.documentElement.scrollWidth")
    check(width <= 375, f"at 375 px the page is {width} px wide: it scrolls sideways")
    boxes = [t["rect"] for t in tiles(driver)]
    check(all(abs(w - h) < 0.5 and 100 <= w <= 375 for _, _, w, h in boxes),
          f"at 375 px the tiles are not readable squares: {boxes}")
    save_page(driver, out / "page-375.png")
    step(f"screenshots {out / 'page-1440.png'} and {out / 'page-375.png'}; no sideways scroll at 375 px")
    set_viewport(driver, 1440, 900)

    # Delete the group through its confirmation dialog, by keyboard.
    driver.execute_script("document.getElementById('delete-group').focus()")
    press(driver, Keys.ENTER)
    wait_for("the confirmation dialog", lambda: driver.execute_script(
        "return document.getElementById('confirm-delete-group').open"), UI_SECONDS)
    press(driver, Keys.TAB)
    check(active(driver)["name"].startswith("Delete group"), f"Tab in the dialog went to {active(driver)}")
    press(driver, Keys.ENTER)
    wait_for("the group to leave the list and the view to close", lambda: driver.execute_script("""
        return !document.querySelector(`#group-list a[data-group-id="${arguments[0]}"]`)
            && document.getElementById('group-view').hidden && location.hash === '';
    """, group_id), UI_SECONDS)
    status, _ = http("GET", f"{server.base}/groups/{group_id}")
    check(status == 404, f"GET /groups/{group_id} answered {status} after the delete, not 404")
    errors = console_errors(driver)
    check(not errors, f"the page logged errors: {errors}")
    step("deleted the group through its dialog: GET /groups/{id} answers 404; no console errors")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True, help="the thumbworker executable to serve with")
    parser.add_argument("--out", default="out/browser", help="where screenshots and the server log go")
    arguments = parser.parse_args()
    binary = os.path.abspath(arguments.binary)
    out = Path(arguments.out).resolve()
    if not os.access(binary, os.X_OK):
        print(f"page test: FAILED: {binary} is not an executable (build it first: swift build)", file=sys.stderr)
        return 1
    for program in ("/usr/bin/chromium", "/usr/bin/chromedriver"):
        if not os.access(program, os.X_OK):
            print(f"page test: FAILED: {program} is missing (scripts/install-deps.sh --tests installs it)",
                  file=sys.stderr)
            return 1
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    try:
        run(binary, out)
    except Failure as failure:
        print(f"page test: FAILED: {failure}", file=sys.stderr)
        return 1
    except WebDriverException as error:
        print(f"page test: FAILED: the browser failed: {error.msg or error}", file=sys.stderr)
        return 1
    print(f"page test: passed in {time.monotonic() - started:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
