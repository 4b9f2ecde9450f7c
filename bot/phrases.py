"""The few sentences the hosting layer says itself, in English and Vietnamese.

Placeholders until they move into the cards' string catalog; keyed the same way.
"""

from __future__ import annotations

_PHRASES: dict[str, dict[str, str]] = {
    "apology": {
        "en": "Sorry, something went wrong on my side. Please try again in a moment.",
        "vi": "Xin lỗi, đã có lỗi ở phía tôi. Vui lòng thử lại sau ít phút.",
    },
    "unknown_command": {
        "en": "I don't know that command. Type **help** to see what I can do.",
        "vi": "Tôi không hiểu lệnh này. Gõ **trợ giúp** để xem tôi có thể làm gì.",
    },
    "unknown_action": {
        "en": "This card is out of date. Type **help** to start again.",
        "vi": "Thẻ này đã cũ. Gõ **trợ giúp** để bắt đầu lại.",
    },
    "help": {
        "en": "I run your team's OKR check-ins in Teams. Commands: {commands}.",
        "vi": "Tôi điều phối việc cập nhật OKR của nhóm ngay trong Teams. Các lệnh: {commands}.",
    },
}


def language_of(locale: str | None) -> str:
    """``"vi"`` for Vietnamese locales (``vi``, ``vi-VN``), else ``"en"``."""
    return "vi" if locale and locale.lower().split("-")[0] == "vi" else "en"


def phrase(key: str, locale: str | None, **values: str) -> str:
    """The sentence ``key`` in the language of ``locale``, with ``values`` filled in."""
    return _PHRASES[key][language_of(locale)].format(**values)
