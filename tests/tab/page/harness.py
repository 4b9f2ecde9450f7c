"""Drive the tab in headless Chromium over the DevTools protocol, inside a stub Teams host.

The app under test serves the tab; :func:`serve_tab` adds, on the same origin, the
stub Teams host (``host/host.html``: it frames the tab and answers the Teams JS
SDK's messages) and ``axe-core`` from ``node_modules``. Chromium is the card
checks' (:mod:`tests.cards.render`): one process, one tab, commands over a
127.0.0.1 websocket; no browser-automation package.

The host page and the tab share an origin, so the test reads the tab's document
through ``frame.contentDocument``; keys typed with ``Input.dispatchKeyEvent`` go
to whatever has focus, inside the frame too.
"""

from __future__ import annotations

import asyncio
import base64
import json
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiohttp import web
from aiohttp.test_utils import TestServer

from tests.cards.render import ChromiumError, _Browser, _Page, find_chromium

HOST = Path(__file__).resolve().parent / "host"
AXE = Path(__file__).resolve().parents[3] / "node_modules" / "axe-core" / "axe.min.js"
WIDTH, HEIGHT = 1000, 800
# How long the page may take to show something (a shared, busy machine).
WAIT_S = 10.0
# The tab's document and window, as seen from the host page (or the page itself, unframed).
_DOC = (
    "(document.getElementById('tab') ? document.getElementById('tab').contentDocument : document)"
)
_WIN = "(document.getElementById('tab') ? document.getElementById('tab').contentWindow : window)"
# Key names as Input.dispatchKeyEvent wants them.
_KEYS: dict[str, tuple[str, int, str]] = {
    "ArrowDown": ("ArrowDown", 40, ""),
    "ArrowUp": ("ArrowUp", 38, ""),
    "ArrowRight": ("ArrowRight", 39, ""),
    "ArrowLeft": ("ArrowLeft", 37, ""),
    "Home": ("Home", 36, ""),
    "End": ("End", 35, ""),
    "Enter": ("Enter", 13, "\r"),
    " ": ("Space", 32, " "),
    "Tab": ("Tab", 9, ""),
}


def add_test_routes(app: web.Application) -> None:
    """Serve the stub host and axe-core at ``/_test/`` on the app's own origin."""

    async def host_file(request: web.Request) -> web.FileResponse:
        name = request.match_info["name"]
        if name not in {"host.html", "host.js", "host.css"}:
            raise web.HTTPNotFound()
        return web.FileResponse(HOST / name)

    async def axe(_request: web.Request) -> web.FileResponse:
        return web.FileResponse(AXE)

    app.router.add_get("/_test/axe.min.js", axe)
    app.router.add_get("/_test/{name}", host_file)


class TabBrowser:
    """One Chromium tab showing the stub host (or the tab itself) from ``base_url``."""

    def __init__(self, page: _Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url.rstrip("/")
        self._loads = 0

    async def open_in_teams(
        self,
        src: str,
        *,
        theme: str = "default",
        locale: str = "en-US",
        token: str | None = None,
        token_error: str | None = None,
        sub_page_id: str | None = None,
        team_id: str | None = None,
        frame_context: str = "content",
        shown: str | None = None,
    ) -> None:
        """Open ``src`` (``/tab/…``) framed by the stub host, which answers as Teams would."""
        options = {
            "src": src,
            "theme": theme,
            "locale": locale,
            "token": token,
            "tokenError": token_error,
            "subPageId": sub_page_id,
            "teamId": team_id,
            "frameContext": frame_context,
        }
        hash_ = json.dumps({k: v for k, v in options.items() if v is not None})
        # A new query each time: a change of the hash alone would not load the page again.
        self._loads += 1
        await self.page.navigate(
            f"{self.base_url}/_test/host.html?load={self._loads}#{_quote(hash_)}"
        )
        await self.wait_shown(shown)

    async def open_alone(self, src: str, *, shown: str | None = None) -> None:
        """Open ``src`` as a page of its own (a browser outside Teams)."""
        await self.page.navigate(f"{self.base_url}{src}")
        if shown is not None:
            await self.wait_shown(shown)

    async def wait_shown(self, shown: str | None = None, within: float = WAIT_S) -> None:
        """Wait until the tab has shown a view (``shown``, or any) or an error."""
        wanted = "!!value" if shown is None else f"value === {json.dumps(shown)}"
        shown_now = f"{_DOC}.body && {_DOC}.body.dataset.shown"
        await self.wait(f"(() => {{ const value = {shown_now}; return {wanted}; }})()", within)

    async def tab(self, expression: str) -> Any:
        """Evaluate ``expression`` with ``doc`` and ``win`` being the tab's document and window."""
        return await self.page.evaluate(f"((doc, win) => ({expression}) ?? null)({_DOC}, {_WIN})")

    async def host(self, expression: str) -> Any:
        """Evaluate ``expression`` in the stub host page."""
        return await self.page.evaluate(f"({expression}) ?? null")

    async def wait(self, expression: str, within: float = WAIT_S) -> Any:
        """Poll ``expression`` (in the top page) until it is truthy; its value."""
        deadline = time.monotonic() + within
        while True:
            try:
                value = await self.page.evaluate(expression)
            except ChromiumError:
                value = None
            if value:
                return value
            if time.monotonic() > deadline:
                text = await self.page.evaluate(f"{_DOC}.body ? {_DOC}.body.innerText : ''")
                raise AssertionError(f"timed out waiting for {expression}; the tab shows:\n{text}")
            await asyncio.sleep(0.05)

    async def wait_tab(self, expression: str, within: float = WAIT_S) -> Any:
        """Poll ``expression`` (with ``doc`` and ``win``) until it is truthy."""
        return await self.wait(f"((doc, win) => ({expression}))({_DOC}, {_WIN})", within)

    async def text(self, selector: str = "body") -> str:
        """The visible text of the tab's first ``selector``."""
        return str(await self.tab(f"doc.querySelector({json.dumps(selector)}).innerText"))

    async def texts(self, selector: str) -> list[str]:
        """The text of every ``selector`` in the tab."""
        found = await self.tab(
            f"[...doc.querySelectorAll({json.dumps(selector)})].map((e) => e.textContent.trim())"
        )
        return list(found)

    async def click(self, selector: str) -> None:
        """Click the tab's first ``selector`` (a DOM click, as a person's would arrive)."""
        await self.tab(f"doc.querySelector({json.dumps(selector)}).click()")

    async def press(self, key: str) -> None:
        """Type ``key`` into whatever has focus."""
        code, key_code, text = _KEYS[key]
        down: dict[str, Any] = {
            "type": "keyDown" if text else "rawKeyDown",
            "key": key,
            "code": code,
            "windowsVirtualKeyCode": key_code,
        }
        if text:
            down["text"] = text
        await self.page.call("Input.dispatchKeyEvent", **down)
        await self.page.call(
            "Input.dispatchKeyEvent",
            type="keyUp",
            key=key,
            code=code,
            windowsVirtualKeyCode=key_code,
        )

    async def axe(self) -> list[dict[str, Any]]:
        """axe-core's serious and critical violations in the tab as shown now."""
        await self.tab(
            "win.axe ? true : new Promise((resolve, reject) => {"
            " const script = doc.createElement('script'); script.src = '/_test/axe.min.js';"
            " script.onload = resolve; script.onerror = reject; doc.head.append(script); })"
        )
        found = await self.tab(
            "win.axe.run(doc, {resultTypes: ['violations']}).then((r) => r.violations"
            ".filter((v) => v.impact === 'serious' || v.impact === 'critical')"
            ".map((v) => ({id: v.id, impact: v.impact, help: v.help,"
            " nodes: v.nodes.map((n) => n.target.join(' ') + ': ' + n.failureSummary)})))"
        )
        return list(found)

    async def screenshot(self, *, height: int | None = None) -> bytes:
        """The page as PNG (as tall as the tab's content, or ``height`` CSS pixels)."""
        content = "Math.ceil(doc.body.getBoundingClientRect().height)"
        await viewport(self.page, height or int(await self.tab(content)))
        await asyncio.sleep(0.1)
        shot = await self.page.call("Page.captureScreenshot", format="png")
        await viewport(self.page)
        return base64.b64decode(shot["data"])

    @property
    def errors(self) -> list[str]:
        """Uncaught exceptions and console errors so far."""
        return self.page.errors


async def viewport(page: _Page, height: int = HEIGHT, width: int = WIDTH) -> None:
    """Show the page ``width`` CSS pixels wide (below 500: a phone) and ``height`` tall."""
    await page.call(
        "Emulation.setDeviceMetricsOverride",
        width=width,
        height=height,
        deviceScaleFactor=1,
        mobile=width < 500,
    )


def _quote(text: str) -> str:
    return quote(text, safe="")


@asynccontextmanager
async def chromium() -> AsyncIterator[_Browser]:
    """One headless Chromium (a fresh profile), shared by a module's tests."""
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        async with _Browser(find_chromium(), Path(profile)) as browser:
            yield browser


@asynccontextmanager
async def tab_browser(app: web.Application, browser: _Browser) -> AsyncIterator[TabBrowser]:
    """Serve ``app`` (with the test routes) on 127.0.0.1 and open a Chromium tab on it."""
    add_test_routes(app)
    server = TestServer(app, host="127.0.0.1", port=0)
    await server.start_server()
    page = await browser.new_page()
    try:
        await viewport(page)
        yield TabBrowser(page, str(server.make_url("/")))
    finally:
        target = await page.call("Target.getTargetInfo")
        await browser.call("Target.closeTarget", targetId=target["targetInfo"]["targetId"])
        await server.close()
