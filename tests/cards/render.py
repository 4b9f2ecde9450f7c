"""Render Adaptive Cards in headless Chromium with Microsoft's library; one PNG per card and view.

One Chromium process per language renders its cards: it loads
``tests/cards/js/render.html`` (the ``adaptivecards`` UMD bundle from
``node_modules`` and ``render.js``), the cards are handed to the page's
``renderCards()`` in every :class:`View` asked for (a width and a host theme, all
in the one page) and each card's frame is captured with
``Page.captureScreenshot``, all over the DevTools protocol on a 127.0.0.1
websocket (aiohttp's client; no browser-automation package needed).

Once laid out, the page checks each card as a person would look at it (the
card's ``problems``): nothing sticks out past the card or is cut off inside it,
and all text stands out from what is behind it (``render.js``).

Chromium is Debian's ``chromium`` and ``chromium-l10n`` (its interface languages:
inputs show dates and times the way the card's language writes them); ``./dev
test`` installs both when it can. It is started with the flags below, the card's
language and a fresh profile.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import os
import re
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import aiohttp

JS = Path(__file__).resolve().parent / "js"
PAGE = JS / "render.html"
Theme = Literal["light", "dark"]
# Teams' look for cards in each theme: fonts, spacing, colours of text and containers.
HOST_CONFIGS: dict[Theme, Path] = {
    "light": JS / "teams-host-config.json",
    "dark": JS / "teams-host-config-dark.json",
}
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
)
CARD_WIDTH = 500  # CSS pixels: about the width Teams gives a card in a chat on desktop
PHONE_WIDTH = 360  # CSS pixels: a common phone's screen, which Teams mobile fills
DEFAULT_LOCALE = "en-US"
# How long one view of every card may take to render (one Chromium per language).
SECONDS_PER_VIEW = 60
_LISTENING = re.compile(rb"DevTools listening on (ws://127\.0\.0\.1:\d+/\S+)")


class ChromiumError(RuntimeError):
    """Chromium is missing, did not start, or a DevTools call failed."""


@dataclass(frozen=True, slots=True)
class View:
    """How a card is seen: the width Teams gives it and the theme of the host.

    Attributes:
        name: Names the view in test ids (``500``, ``360``, ``dark``).
        width: CSS pixels of the card's frame (the chat bubble is 24 px narrower).
        theme: The host's theme: its host config and the colours of the page.
        folder: Where its screenshots go inside the output directory ("": there).
    """

    name: str
    width: int = CARD_WIDTH
    theme: Theme = "light"
    folder: str = ""


DESKTOP = View("500")
PHONE = View(str(PHONE_WIDTH), width=PHONE_WIDTH, folder=str(PHONE_WIDTH))
DARK = View("dark", theme="dark", folder="dark")


@dataclass(frozen=True)
class RenderedCard:
    """What rendering one card produced.

    Attributes:
        key: The key the card was given under (``name.language``).
        problems: Errors from the library or the page while rendering, and what
            the page found wrong in the laid-out card (``overflow: ...``,
            ``unreadable: ...``).
        png: The screenshot of the card as a Teams chat bubble.
        text: The visible text of the rendered card.
    """

    key: str
    problems: list[str]
    png: Path
    text: str
    height: float  # CSS pixels: the height of the screenshot
    locale: str = DEFAULT_LOCALE  # the language the browser rendered it in
    view: View = DESKTOP


@dataclass(frozen=True)
class Rendering:
    """Every rendered card, and the errors the page reported outside them (should be none)."""

    cards: list[RenderedCard]
    page_errors: list[str]

    def card(self, key: str, view: View = DESKTOP) -> RenderedCard:
        """The card given under ``key``, as rendered in ``view``."""
        (found,) = [card for card in self.cards if card.key == key and card.view == view]
        return found


def find_chromium() -> str:
    """The path of Debian's ``chromium``; raises with the install command if missing."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    raise ChromiumError(
        "chromium is not installed: run `apt-get update && apt-get install -y chromium` "
        "(./dev test does this when run as root)"
    )


def render_cards(
    cards: Mapping[str, Mapping[str, Any]],
    out_dir: Path,
    *,
    views: Sequence[View] = (DESKTOP,),
    scale: float = 1,
    timeout: float | None = None,
    locales: Mapping[str, str] | None = None,
) -> Rendering:
    """Render every card (key -> card JSON) in every view; write ``out_dir/<folder>/<key>.png``.

    ``views`` are the widths and themes to render in (each writes its screenshots
    to its folder inside ``out_dir``); ``timeout`` defaults to
    :data:`SECONDS_PER_VIEW` per view. ``locales`` gives a card's locale by key
    (BCP 47: ``vi-VN``); the others render in ``en-US``. Each locale gets a
    Chromium of its own started in that language, so what the browser writes
    itself (the dates and times of inputs, ``Intl``) reads as it does for a person
    whose Teams speaks it. Chromium needs the language's resources for that
    (Debian: ``chromium-l10n``); without them it falls back to English, which
    :attr:`RenderedCard.locale` shows.
    """
    by_name = {view.name: view for view in views}
    if len(by_name) != len(views):
        raise ValueError(f"two views share a name: {[view.name for view in views]}")
    for view in views:
        (out_dir / view.folder).mkdir(parents=True, exist_ok=True)
    by_locale: dict[str, dict[str, Mapping[str, Any]]] = {}
    for key, card in cards.items():
        by_locale.setdefault((locales or {}).get(key, DEFAULT_LOCALE), {})[key] = card
    seconds = timeout if timeout is not None else SECONDS_PER_VIEW * len(views)
    rendering = asyncio.run(asyncio.wait_for(_render(by_locale, out_dir, views, scale), seconds))
    order = {key: index for index, key in enumerate(cards)}
    view_order = {view: index for index, view in enumerate(views)}
    rendering.cards.sort(key=lambda rendered: (view_order[rendered.view], order[rendered.key]))
    return rendering


async def _render(
    by_locale: Mapping[str, Mapping[str, Mapping[str, Any]]],
    out_dir: Path,
    views: Sequence[View],
    scale: float,
) -> Rendering:
    host_configs = {
        theme: json.loads(path.read_text(encoding="utf-8")) for theme, path in HOST_CONFIGS.items()
    }
    rendered: list[RenderedCard] = []
    page_errors: list[str] = []
    for locale, cards in by_locale.items():
        with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
            async with _Browser(find_chromium(), Path(profile), locale) as browser:
                page = await browser.new_page()
                rendered += await _render_page(page, cards, out_dir, views, scale, host_configs)
                page_errors += page.errors
    return Rendering(rendered, page_errors)


async def _render_page(
    page: _Page,
    cards: Mapping[str, Mapping[str, Any]],
    out_dir: Path,
    views: Sequence[View],
    scale: float,
    host_configs: Mapping[Theme, Any],
) -> list[RenderedCard]:
    samples = [{"key": key, "card": card} for key, card in cards.items()]
    shown = [{"name": view.name, "width": view.width, "theme": view.theme} for view in views]
    await page.call(
        "Emulation.setDeviceMetricsOverride",
        width=max(view.width for view in views) + 40,
        height=800,
        deviceScaleFactor=scale,
        mobile=False,
    )
    await page.navigate(PAGE.as_uri())
    arguments = ", ".join(json.dumps(value) for value in (samples, shown, host_configs))
    laid_out = await page.evaluate(f"renderCards({arguments})")
    by_name = {view.name: view for view in views}
    rendered = []
    for index, card in enumerate(laid_out):
        view = by_name[card["view"]]
        shot = await page.call(
            "Page.captureScreenshot",
            format="png",
            clip={**await page.evaluate(f"showOnly({index})"), "scale": 1},
            captureBeyondViewport=True,
        )
        png = out_dir / view.folder / f"{card['key']}.png"
        png.write_bytes(base64.b64decode(shot["data"]))
        rendered.append(
            RenderedCard(
                card["key"],
                card["problems"],
                png,
                card["text"],
                card["rect"]["height"],
                locale=card["locale"],
                view=view,
            )
        )
    return rendered


class _Browser:
    """A Chromium process and its DevTools websocket."""

    def __init__(self, executable: str, profile: Path, locale: str = DEFAULT_LOCALE) -> None:
        self._args = (
            executable,
            *CHROMIUM_FLAGS,
            f"--lang={locale}",
            f"--user-data-dir={profile}",
            "about:blank",
        )
        # On Linux Chromium takes its interface language (which writes the dates and
        # times of inputs) from LANGUAGE; --lang is for the other platforms.
        self._env = {**os.environ, "LANGUAGE": locale.replace("-", "_")}
        self._process: asyncio.subprocess.Process | None = None
        self._session: aiohttp.ClientSession | None = None
        self._socket: aiohttp.ClientWebSocketResponse | None = None
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._listeners: list[tuple[str, str | None, asyncio.Future[dict[str, Any]]]] = []
        self._pages: dict[str, _Page] = {}
        self._stderr = bytearray()
        self._tasks: list[asyncio.Task[None]] = []

    async def __aenter__(self) -> _Browser:
        self._process = await asyncio.create_subprocess_exec(
            *self._args,
            env=self._env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        url = await self._devtools_url()
        self._tasks.append(asyncio.create_task(self._drain_stderr()))
        self._session = aiohttp.ClientSession()
        self._socket = await self._session.ws_connect(url, max_msg_size=0)
        self._tasks.append(asyncio.create_task(self._receive()))
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._socket is not None and not self._socket.closed:
            with suppress(Exception):
                await asyncio.wait_for(self.call("Browser.close"), 5)
            await self._socket.close()
        if self._session is not None:
            await self._session.close()
        if self._process is not None and self._process.returncode is None:
            try:
                await asyncio.wait_for(self._process.wait(), 10)
            except TimeoutError:
                self._process.kill()
                await self._process.wait()
        for task in self._tasks:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task

    async def _devtools_url(self) -> str:
        assert self._process is not None and self._process.stderr is not None
        while True:
            line = await self._process.stderr.readline()
            if not line:
                log = self._stderr.decode(errors="replace")
                raise ChromiumError(f"chromium exited before DevTools started:\n{log}")
            self._stderr += line
            found = _LISTENING.search(line)
            if found:
                return found[1].decode()

    async def _drain_stderr(self) -> None:
        # Chromium blocks if nobody reads its log; keep it for error messages.
        assert self._process is not None and self._process.stderr is not None
        while chunk := await self._process.stderr.read(65536):
            self._stderr += chunk

    async def _receive(self) -> None:
        assert self._socket is not None
        async for message in self._socket:
            if message.type != aiohttp.WSMsgType.TEXT:
                break
            data = json.loads(message.data)
            if "id" in data:
                future = self._pending.pop(data["id"], None)
                if future is not None and not future.done():
                    if "error" in data:
                        future.set_exception(ChromiumError(f"DevTools error: {data['error']}"))
                    else:
                        future.set_result(data.get("result", {}))
                continue
            session = data.get("sessionId")
            page = self._pages.get(session or "")
            if page is not None:
                page.on_event(data["method"], data.get("params", {}))
            for listener in list(self._listeners):
                method, wanted_session, future = listener
                if method == data["method"] and wanted_session == session and not future.done():
                    future.set_result(data.get("params", {}))
                    self._listeners.remove(listener)
        for future in self._pending.values():
            if not future.done():
                future.set_exception(ChromiumError("the DevTools connection closed"))

    async def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Send one DevTools command and return its result."""
        assert self._socket is not None
        message_id = next(self._ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[message_id] = future
        message: dict[str, Any] = {"id": message_id, "method": method, "params": params}
        if session is not None:
            message["sessionId"] = session
        await self._socket.send_str(json.dumps(message))
        return await future

    def expect(self, method: str, session: str | None) -> asyncio.Future[dict[str, Any]]:
        """A future for the next event ``method`` (register before causing it)."""
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._listeners.append((method, session, future))
        return future

    async def new_page(self) -> _Page:
        """Open a tab and attach to it."""
        target = await self.call("Target.createTarget", url="about:blank")
        attached = await self.call(
            "Target.attachToTarget", targetId=target["targetId"], flatten=True
        )
        page = _Page(self, attached["sessionId"])
        self._pages[page.session] = page
        await page.call("Page.enable")
        await page.call("Runtime.enable")
        return page


class _Page:
    """One attached tab: commands go to its session; errors it reports are collected."""

    def __init__(self, browser: _Browser, session: str) -> None:
        self._browser = browser
        self.session = session
        self._errors: list[str] = []

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        return await self._browser.call(method, self.session, **params)

    async def navigate(self, url: str) -> None:
        loaded = self._browser.expect("Page.loadEventFired", self.session)
        result = await self.call("Page.navigate", url=url)
        if "errorText" in result:
            raise ChromiumError(f"cannot open {url}: {result['errorText']}")
        await loaded

    async def evaluate(self, expression: str) -> Any:
        result = await self.call(
            "Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True
        )
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            description = details.get("exception", {}).get("description", details.get("text"))
            raise ChromiumError(f"the page failed: {description}")
        return result["result"]["value"]

    def on_event(self, method: str, params: Mapping[str, Any]) -> None:
        if method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            self._errors.append(
                details.get("exception", {}).get("description", details.get("text", "?"))
            )
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            self._errors.append(" ".join(str(a.get("value", "")) for a in params.get("args", [])))
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            self._errors.append(params["entry"].get("text", ""))

    @property
    def errors(self) -> list[str]:
        """Uncaught exceptions and console errors the page reported so far."""
        return list(self._errors)
