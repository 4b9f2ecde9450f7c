"""Cleaning Teams message text and matching chat commands in English and Vietnamese."""

from __future__ import annotations

import subprocess
import sys
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.command_text import (
    ALIASES,
    MAX_ARGUMENT_CHARS,
    CommandMatch,
    CommandName,
    EmptyMessage,
    UnknownCommand,
    clean_message,
    language_choice,
    parse_command,
    suggest,
)
from cards.i18n import Language, text
from okr.text import fold

BOT = "OKR Bot"


def match(message: str) -> CommandMatch:
    parsed = parse_command(message, [BOT])
    assert isinstance(parsed, CommandMatch), parsed
    return parsed


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Trợ Giúp", "tro giup"),
        ("  TRỢ \t GIÚP\n", "tro giup"),
        ("Đóng", "dong"),
        ("ĐÓNG KỲ", "dong ky"),
        ("tra\u0323ng tha\u0301i", "trang thai"),  # combining marks
        ("ｈｅｌｐ", "help"),  # full-width
        ("he\u200blp\u200d", "help"),  # zero-width space and joiner
        ("\u202ehelp\u202c\u200f", "help"),  # bidi override and RTL mark
        ("Straße", "strasse"),
        ("", ""),
    ],
)
def test_fold(raw: str, folded: str) -> None:
    assert fold(raw) == folded


@pytest.mark.parametrize(
    ("message", "command", "argument"),
    [
        ("help", CommandName.HELP, ""),
        ("trợ giúp", CommandName.HELP, ""),
        ("TRO GIUP", CommandName.HELP, ""),
        ("/help", CommandName.HELP, ""),
        ("help?", CommandName.HELP, ""),
        ("?", CommandName.HELP, ""),
        ("new", CommandName.NEW, ""),
        ("tạo mới", CommandName.NEW, ""),
        ("Mới", CommandName.NEW, ""),
        ("tao moi Tăng doanh thu", CommandName.NEW, "Tăng doanh thu"),
        ("my okrs", CommandName.MY_OKRS, ""),
        ("My OKRs", CommandName.MY_OKRS, ""),
        ("okr của tôi", CommandName.MY_OKRS, ""),
        ("OKR CUA TOI", CommandName.MY_OKRS, ""),
        ("team okrs", CommandName.TEAM_OKRS, ""),
        ("okr của nhóm", CommandName.TEAM_OKRS, ""),
        ("status Grow revenue", CommandName.STATUS, "Grow revenue"),
        ("trạng thái Tăng Doanh Thu", CommandName.STATUS, "Tăng Doanh Thu"),
        ("trang thai: “Tăng doanh thu”", CommandName.STATUS, "Tăng doanh thu"),
        ('status "Q4  growth"', CommandName.STATUS, "Q4 growth"),
        ("checkin", CommandName.CHECKIN, ""),
        ("check-in", CommandName.CHECKIN, ""),
        ("Check in", CommandName.CHECKIN, ""),
        ("cập nhật", CommandName.CHECKIN, ""),
        ("cập nhật tiến độ", CommandName.CHECKIN, ""),  # longest spelling wins over "tiến độ"
        ("tiến độ Tăng doanh thu", CommandName.STATUS, "Tăng doanh thu"),
        ("digest", CommandName.DIGEST, ""),
        ("tổng hợp", CommandName.DIGEST, ""),
        ("bản tin", CommandName.DIGEST, ""),
        ("settings", CommandName.SETTINGS, ""),
        ("cài đặt", CommandName.SETTINGS, ""),
        ("close", CommandName.CLOSE, ""),
        ("đóng", CommandName.CLOSE, ""),
        ("kết thúc kỳ", CommandName.CLOSE, ""),
        ("ket thuc ky 2026-Q4", CommandName.CLOSE, "2026-Q4"),
        ("templates", CommandName.TEMPLATES, ""),
        ("mẫu", CommandName.TEMPLATES, ""),
        ("MAU", CommandName.TEMPLATES, ""),
        ("language vi", CommandName.LANGUAGE, "vi"),
        ("ngôn ngữ EN", CommandName.LANGUAGE, "EN"),
        ("ngon ngu tiếng Việt", CommandName.LANGUAGE, "tiếng Việt"),
    ],
)
def test_commands_in_both_languages(message: str, command: CommandName, argument: str) -> None:
    found = match(message)
    assert (found.command, found.argument) == (command, argument)


@pytest.mark.parametrize(
    ("message", "command", "argument"),
    [
        ("<at>OKR Bot</at> help", CommandName.HELP, ""),
        ("<at>OKR Bot</at>&nbsp;trợ giúp", CommandName.HELP, ""),
        ("<p><at>OKR Bot</at> status Grow revenue</p>", CommandName.STATUS, "Grow revenue"),
        ("<div><div><at>OKR Bot</at> my okrs<br></div></div>", CommandName.MY_OKRS, ""),
        ("Hi <at>OKR Bot</at> checkin", CommandName.CHECKIN, ""),
        ("help <at>OKR Bot</at>", CommandName.HELP, ""),
        ("<at>okr bot</at> digest", CommandName.DIGEST, ""),
        ("@OKR Bot help", CommandName.HELP, ""),  # a client that flattened the mention
        ("OKR Bot templates", CommandName.TEMPLATES, ""),
        ("<at>OKR Bot</at> status <at>Lan</at>'s goal", CommandName.STATUS, "Lan's goal"),
        ("<at>OKR Bot</at> status R&amp;D &lt;core&gt;", CommandName.STATUS, "R&D <core>"),
        ("status <Q4 growth>", CommandName.STATUS, "<Q4 growth>"),  # not an HTML tag
    ],
)
def test_mentions_and_html_are_removed(message: str, command: CommandName, argument: str) -> None:
    found = match(message)
    assert (found.command, found.argument) == (command, argument)


def test_leading_mentions_are_the_bots_when_its_name_is_unknown() -> None:
    parsed = parse_command("<at>Anything</at> <at>Else</at> help")
    assert parsed == CommandMatch(CommandName.HELP, "", "help")


@pytest.mark.parametrize(
    ("message", "command", "argument"),
    [
        # Decomposed accents in the command and the argument; the argument comes back NFC.
        ("tra\u0323ng tha\u0301i Ta\u0306ng", CommandName.STATUS, "Tăng"),
        ("ＨＥＬＰ", CommandName.HELP, ""),  # full-width letters
        ("ｏｋｒ　ｃủａ　ｔôｉ", CommandName.MY_OKRS, ""),  # and an ideographic space
        ("he\u200dlp", CommandName.HELP, ""),  # zero-width joiner inside the word
        ("\u200f\u202btrợ giúp\u202c", CommandName.HELP, ""),  # RTL mark, embedding
        ("\ufeffstatus X", CommandName.STATUS, "X"),  # byte order mark
        ("👋 help", CommandName.HELP, ""),  # greeting emoji first
        ("status 🚀 Launch v2", CommandName.STATUS, "🚀 Launch v2"),
        ("status 👨\u200d👩\u200d👧 family", CommandName.STATUS, "👨\u200d👩\u200d👧 family"),
        ("status A\u00a0\u2003B", CommandName.STATUS, "A B"),  # exotic spaces collapse
    ],
)
def test_odd_unicode(message: str, command: CommandName, argument: str) -> None:
    found = match(message)
    assert (found.command, found.argument) == (command, argument)


@pytest.mark.parametrize(
    "message",
    ["", "   ", "<at>OKR Bot</at>", "<p><at>OKR Bot</at>&nbsp;</p>", "\u200b\u200f", "<br>"],
)
def test_nothing_but_a_mention_is_an_empty_message(message: str) -> None:
    assert parse_command(message, [BOT]) == EmptyMessage()


def test_very_long_input_is_capped() -> None:
    parsed = parse_command("status " + "x" * 100_000, [BOT])
    assert isinstance(parsed, CommandMatch)
    assert parsed.argument == "x" * MAX_ARGUMENT_CHARS
    unknown = parse_command("blah " * 50_000, [BOT])
    assert isinstance(unknown, UnknownCommand)
    assert len(unknown.text) <= MAX_ARGUMENT_CHARS
    assert parse_command("<at>OKR Bot</at>" * 10_000 + " help", [BOT]) == EmptyMessage()


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("hlep", CommandName.HELP),
        ("stauts Grow revenue", CommandName.STATUS),
        ("tempaltes", CommandName.TEMPLATES),
        ("setings", CommandName.SETTINGS),
        ("tro gup", CommandName.HELP),
        ("trang thia Tăng doanh thu", CommandName.STATUS),
        ("langauge vi", CommandName.LANGUAGE),
        ("okr của tui", CommandName.MY_OKRS),
        ("chekin", CommandName.CHECKIN),
    ],
)
def test_unknown_commands_suggest_the_closest(message: str, expected: CommandName) -> None:
    parsed = parse_command(message, [BOT])
    assert isinstance(parsed, UnknownCommand)
    assert parsed.suggestions[0] is expected
    assert 1 <= len(parsed.suggestions) <= 3
    assert parsed.text == message


def test_gibberish_suggests_nothing() -> None:
    assert parse_command("xyzzy plugh", [BOT]) == UnknownCommand("xyzzy plugh", ())
    assert suggest("qqqqqqqqqq") == ()


@pytest.mark.parametrize(
    ("argument", "language"),
    [
        ("vi", Language.VI),
        ("VI", Language.VI),
        ("tiếng Việt", Language.VI),
        ("tieng viet", Language.VI),
        ("Vietnamese", Language.VI),
        ("en", Language.EN),
        ("English.", Language.EN),
        ("tiếng Anh", Language.EN),
        ("fr", None),
        ("", None),
        ("en vi", None),
    ],
)
def test_language_choice(argument: str, language: Language | None) -> None:
    assert language_choice(argument) is language


def test_every_command_has_help_text_whose_usage_works() -> None:
    for name in CommandName:
        for lang in Language:
            usage = text(lang, f"command.{name.value}.usage")
            assert text(lang, f"command.{name.value}.description")
            assert match(usage).command is name, (lang, usage)


def test_every_alias_matches_without_accents_or_case() -> None:
    for command, aliases in ALIASES.items():
        for alias in aliases:
            bare = "".join(
                c for c in unicodedata.normalize("NFD", alias) if not unicodedata.combining(c)
            ).replace("đ", "d")
            assert match(alias.upper()).command is command
            assert match(bare).command is command


arguments = st.text(
    alphabet=st.characters(categories=("Lu", "Ll", "Nd")) | st.just(" "), max_size=60
)


@given(
    st.sampled_from([(c, a) for c, aliases in ALIASES.items() for a in aliases]),
    arguments,
)
def test_the_argument_is_kept_as_typed(alias: tuple[CommandName, str], rest: str) -> None:
    command, spelling = alias
    typed = "Q4 " + rest  # starts with a word no spelling continues with
    found = match(f"<at>{BOT}</at> {spelling} {typed}")
    assert found.command is command
    expected = unicodedata.normalize("NFC", " ".join(typed.split()))
    assert found.argument == expected[:MAX_ARGUMENT_CHARS].rstrip()


@given(st.text(max_size=300))
def test_any_text_parses_without_error(message: str) -> None:
    parsed = parse_command(message, [BOT])
    if isinstance(parsed, CommandMatch):
        assert len(parsed.argument) <= MAX_ARGUMENT_CHARS
    elif isinstance(parsed, UnknownCommand):
        assert parsed.text
        assert len(set(parsed.suggestions)) == len(parsed.suggestions) <= 3
    assert clean_message(message) == clean_message(clean_message(message))


def test_no_sdk_or_web_framework_is_imported() -> None:
    code = (
        "import sys, bot.command_text; "
        "bad = [m for m in sys.modules if m.startswith(('microsoft_agents', 'aiohttp'))]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=".")
