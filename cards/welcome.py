"""The welcome card sent when the bot is installed (placeholder until localised)."""

from __future__ import annotations

from typing import Any

_TEXT = {
    "en": (
        "Welcome to OKR check-ins",
        "I keep your team's Objectives and Key Results moving: I ask key-result owners "
        "for a check-in on a schedule, record every update and post progress digests.",
        "Type **help** to see what I can do, or **new** to create an objective.",
    ),
    "vi": (
        "Chào mừng bạn đến với OKR check-ins",
        "Tôi giúp nhóm theo dõi Mục tiêu và Kết quả then chốt: nhắc người phụ trách "
        "cập nhật theo lịch, lưu mọi cập nhật và gửi bản tóm tắt tiến độ.",
        "Gõ **trợ giúp** để xem tôi có thể làm gì, hoặc **new** để tạo mục tiêu.",
    ),
}


def welcome_card(locale: str | None) -> dict[str, Any]:
    """The Adaptive Card that greets a team or a person after installation."""
    language = "vi" if locale and locale.lower().startswith("vi") else "en"
    title, what, start = _TEXT[language]
    return {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.5",
        "body": [
            {"type": "TextBlock", "text": title, "size": "Large", "weight": "Bolder", "wrap": True},
            {"type": "TextBlock", "text": what, "wrap": True},
            {"type": "TextBlock", "text": start, "wrap": True},
        ],
    }
