"""The dashboard's reload in a real Chromium, against a running hub with a large board.

    python bench/dashboard.py --url http://127.0.0.1:3197 --key KEY [--runs 10] [--active 5000] [--static DIR ...]

Seed the hub first (`bench/realtime.py --only seed`: 5,000 active + 5,000 cancelled tasks). Each run
reloads the board and reports, from the navigation's start on the page's own clock:

sync:full   the `sync:full` message received on the page's socket (a wrapped `WebSocket` stamps it);
screen      the first screen: the To-do column counts `--active` cards and its first card is in the
            viewport (a MutationObserver stamps the first mutation after which that holds);
render      screen minus sync:full: the page's own share (decoding the rows, the reducer, the render),
            to compare with the 50 ms `sync:full` budget of docs/performance.md.

`--static DIR` (repeatable) serves the page and its assets from DIR, a copy of a build of
src/waaah/web/static (say, of an older commit), instead of the hub's; with several, the runs take
them in turn (DIR1, DIR2, DIR1, …), each on a fresh page, so builds are compared under the same load.
The socket and the API still go to the hub. Chromium's local-network checks are off for those runs
(a page the browser did not fetch from the hub may not open a websocket to 127.0.0.1 otherwise).

Bounded: `--runs` reloads (default 10), each given at most 60 s. Chromium is /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import mimetypes
import statistics
from pathlib import Path
from typing import Any

from playwright.async_api import async_playwright

CHROMIUM = "/usr/bin/chromium"
RUN_TIMEOUT_MS = 60_000
STAMPS = """
window.__bench = {};
const Real = window.WebSocket;
window.WebSocket = class extends Real {
  constructor(...args) {
    super(...args);
    this.addEventListener('message', (e) => {
      if (!window.__bench.sync && typeof e.data === 'string' && e.data.startsWith('42["sync:full"')) {
        window.__bench.sync = performance.now();
      }
    });
  }
};
const shown = () => {
  const todo = document.querySelector('[data-column="todo"]');
  const count = todo && todo.querySelector('h2 .count');
  const first = todo && todo.querySelector('.card');
  if (!count || count.textContent !== String(window.__benchActive) || !first) return false;
  const box = first.getBoundingClientRect();
  return box.top < innerHeight && box.bottom > 0;
};
new MutationObserver((_, observer) => {
  if (shown()) { window.__bench.screen = performance.now(); observer.disconnect(); }
}).observe(document, { subtree: true, childList: true, characterData: true });
"""


def served_from(root: Path) -> Any:
    """A route handler answering the page (any document) and /admin/assets/* from `root`."""
    async def handle(route: Any) -> None:
        request = route.request
        path = request.url.split("://", 1)[1].partition("/")[2].split("?", 1)[0]
        if request.resource_type == "document":
            await route.fulfill(path=str(root / "index.html"), content_type="text/html")
        elif path.startswith("admin/assets/"):
            file = root / "assets" / path.removeprefix("admin/assets/")
            kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            await route.fulfill(path=str(file), content_type=kind)
        else:
            await route.continue_()
    return handle


async def reloads(browser: Any, url: str, key: str, runs: int, active: int,
                  root: Path | None) -> list[dict[str, float]]:
    samples: list[dict[str, float]] = []
    context = await browser.new_context(viewport={"width": 1440, "height": 900})
    page = await context.new_page()
    if root is not None:
        await page.route("**/admin/**", served_from(root))
    await page.add_init_script(f"window.__benchActive = {active};\n{STAMPS}")
    await page.goto(f"{url}/admin/?key={key}")  # the key moves to localStorage; reloads use it
    await page.wait_for_function("() => window.__bench.screen", timeout=RUN_TIMEOUT_MS)
    for _ in range(runs):
        await page.reload()
        await page.wait_for_function("() => window.__bench.screen && window.__bench.sync", timeout=RUN_TIMEOUT_MS)
        stamps = await page.evaluate("window.__bench")
        samples.append({"sync": stamps["sync"], "screen": stamps["screen"],
                        "render": stamps["screen"] - stamps["sync"]})
    await context.close()
    return samples


async def run(url: str, key: str, runs: int, active: int, roots: list[Path]) -> dict[str, Any]:
    args = ["--no-sandbox", *(["--disable-features=LocalNetworkAccessChecks"] if roots else [])]
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        if not roots:
            samples = await reloads(browser, url, key, runs, active, None)
            await browser.close()
            return {name: summary([s[name] for s in samples]) for name in ("sync", "screen", "render")}
        by_root: dict[Path, list[dict[str, float]]] = {root: [] for root in roots}
        for i in range(runs):  # in turn, a reload each, so a change of load falls on every build alike
            root = roots[i % len(roots)]
            by_root[root] += await reloads(browser, url, key, 1, active, root)
        await browser.close()
    return {str(root): {name: summary([s[name] for s in samples]) for name in ("sync", "screen", "render")}
            for root, samples in by_root.items()}


def summary(values: list[float]) -> dict[str, float]:
    return {"median_ms": round(statistics.median(values), 1), "min_ms": round(min(values), 1),
            "max_ms": round(max(values), 1), "runs": len(values)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--active", type=int, default=5000, help="the active tasks the To-do column shows")
    parser.add_argument("--static", type=Path, action="append", default=[],
                        help="a build folder to serve the page from (repeat to compare builds in turn)")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.url, args.key, args.runs, args.active, args.static)), indent=2))


if __name__ == "__main__":
    main()
