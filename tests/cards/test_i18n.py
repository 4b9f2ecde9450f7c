"""The string catalogs and the choice of language."""

from __future__ import annotations

import enum
import json
import re
import string
import unicodedata
from pathlib import Path

import pytest

from cards.i18n import (
    ENUM_KEY_PREFIXES,
    PLURAL_CATEGORIES,
    Language,
    MissingParameterError,
    UnknownKeyError,
    babel_locale,
    catalog,
    enum_key,
    label,
    language_for_locale,
    language_of,
    placeholders,
    text,
)
from okr.guidance import GuidanceCode
from okr.models import CheckInStatus, Level, Member, ObjectiveType
from okr.pace import PaceStatus

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("vi-VN", Language.VI),
        ("vi", Language.VI),
        ("VI_vn", Language.VI),
        (" vi-vn ", Language.VI),
        ("en-US", Language.EN),
        ("en-GB", Language.EN),
        ("en", Language.EN),
        ("fr-FR", Language.EN),
        ("vietnamese", Language.EN),
        ("", Language.EN),
        ("-", Language.EN),
        ("\x00\u202e", Language.EN),
        (None, Language.EN),
    ],
)
def test_language_follows_the_primary_subtag(locale: str | None, expected: Language) -> None:
    assert language_for_locale(locale) is expected


def test_every_key_exists_in_every_language() -> None:
    english = set(catalog(Language.EN))
    for lang in Language:
        keys = set(catalog(lang))
        assert keys - english == set(), f"{lang}: keys not in English"
        assert english - keys == set(), f"{lang}: missing translations"


def test_translations_use_the_same_placeholders() -> None:
    mismatched = {
        key: (placeholders(english), placeholders(catalog(Language.VI)[key]))
        for key, english in catalog(Language.EN).items()
        if placeholders(english) != placeholders(catalog(Language.VI)[key])
    }
    assert mismatched == {}


def test_strings_are_non_empty_nfc_and_trimmed() -> None:
    for lang in Language:
        for key, value in catalog(lang).items():
            assert value.strip() == value != "", (lang, key)
            assert unicodedata.normalize("NFC", value) == value, (lang, key)


def _words_of(template: str) -> str:
    """A catalog string without its placeholders: what a reader reads of it."""
    return "".join(literal for literal, *_ in string.Formatter().parse(template))


def test_vietnamese_is_really_translated() -> None:
    # Guards against an English string pasted into vi.py. Short labels such as "KPI"
    # and strings that are only placeholders and signs ("{start} – {end}") are the
    # same in both languages on purpose.
    same = {
        key
        for key, value in catalog(Language.VI).items()
        if value == catalog(Language.EN)[key]
        and len(value) > 12
        and any(c.isalpha() for c in _words_of(value))
    }
    assert same == set()
    diacritics = [v for v in catalog(Language.VI).values() if any(ord(c) > 0x7F for c in v)]
    assert len(diacritics) > 0.8 * len(catalog(Language.VI))


def test_missing_key_raises_instead_of_showing_the_key() -> None:
    with pytest.raises(UnknownKeyError, match=r"no\.such\.key"):
        text(Language.VI, "no.such.key")
    with pytest.raises(KeyError):  # also a KeyError, for callers that expect one
        text(Language.EN, "no.such.key")


def test_missing_parameter_raises() -> None:
    with pytest.raises(MissingParameterError, match="max"):
        text(Language.EN, "validation.too_long")


def test_parameters_are_filled_and_extra_ones_ignored() -> None:
    assert text(Language.EN, "validation.too_long", max=200, unused="x") == (
        "Too long: keep it to 200 characters."
    )
    assert text(Language.VI, "validation.too_long", max=200) == "Quá dài: tối đa 200 ký tự."


def test_every_labelled_enum_member_has_a_label() -> None:
    for enum_type in ENUM_KEY_PREFIXES:
        for member in enum_type:
            for lang in Language:
                assert enum_key(member) in catalog(lang), (lang, member)


def test_labels() -> None:
    assert label(Language.VI, Level.ORGANIZATION) == "Tổ chức"
    assert label(Language.EN, ObjectiveType.ASPIRATIONAL) == "Aspirational"
    assert label(Language.VI, CheckInStatus.ON_TRACK) == "Đúng tiến độ"
    assert label(Language.VI, Language.EN) == "Tiếng Anh"
    assert text(Language.EN, enum_key(GuidanceCode.TOO_FEW_KEY_RESULTS), count=2).endswith(
        "this objective has 2."
    )


def test_an_enum_without_labels_is_refused() -> None:
    class Colour(enum.Enum):
        RED = 1

    with pytest.raises(UnknownKeyError):
        label(Language.EN, Colour.RED)


def test_a_persons_language_is_their_choice_then_their_clients_then_the_activitys() -> None:
    assert (
        language_of(Member(tenant_id="t", id="m", preferred_locale="vi", locale="en-US"))
        is Language.VI
    )
    assert language_of(Member(tenant_id="t", id="m", locale="vi-VN"), "en-US") is Language.VI
    assert language_of(Member(tenant_id="t", id="m"), "vi-VN") is Language.VI
    assert language_of(None) is Language.EN


# --- Plurals --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "count", "expected"),
    [
        (Language.EN, 0, "0 key results left unchanged."),
        (Language.EN, 1, "1 key result left unchanged."),
        (Language.EN, 2, "2 key results left unchanged."),
        (Language.EN, 1000, "1,000 key results left unchanged."),
        (Language.VI, 1, "1 kết quả chính không thay đổi."),
        (Language.VI, 2, "2 kết quả chính không thay đổi."),
        (Language.VI, 1000, "1.000 kết quả chính không thay đổi."),
    ],
)
def test_a_count_chooses_the_plural_form_and_is_grouped(
    lang: Language, count: int, expected: str
) -> None:
    assert text(lang, "checkin.skipped", count=count) == expected


def test_plural_forms_in_settings_and_notifications() -> None:
    assert text(Language.EN, "settings.pending.key_results", count=1) == "1 key result"
    assert text(Language.EN, "settings.pending.objectives", count=3) == "3 objectives"
    assert text(Language.EN, "checkin.notification", count=1).endswith("1 key result to update.")
    assert text(Language.EN, "checkin.reminder_notification", count=1).startswith(
        "Reminder: 1 key result still waits"
    )
    assert text(Language.EN, "settings.more_teams", count=1).startswith("You own 1 more team.")
    assert text(Language.VI, "settings.pending.key_results", count=1) == "1 kết quả chính"


def test_no_string_writes_a_plural_with_brackets() -> None:
    assert [k for k, v in catalog(Language.EN).items() if "(s)" in v] == []


def test_plural_forms_belong_to_a_string_that_takes_a_count() -> None:
    for lang in Language:
        strings = catalog(lang)
        categories = set(babel_locale(lang).plural_form.tags) | {"other"}
        for key, value in strings.items():
            base, _, category = key.rpartition(".")
            if category not in PLURAL_CATEGORIES:
                continue
            assert category in categories, (lang, key)
            assert base in strings, (lang, key)
            assert "count" in placeholders(strings[base]), (lang, base)
            assert placeholders(value) == placeholders(strings[base]), (lang, key)


# --- Vietnamese: the source document's terms, one word per idea -----------------------


def test_vietnamese_labels_use_the_source_documents_terms() -> None:
    assert text(Language.VI, "field.objective.title") == "Mục tiêu"
    assert text(Language.VI, "field.key_result.title") == "Kết quả chính"
    assert text(Language.VI, "field.initiative.title") == "Sáng kiến"
    assert text(Language.VI, "field.kpi.title") == "KPI"
    assert label(Language.VI, ObjectiveType.COMMITTED) == "Cam kết"
    assert label(Language.VI, ObjectiveType.ASPIRATIONAL) == "Truyền cảm hứng"


# Words the consistency pass retired (issue 9's table), and why.
RETIRED_VIETNAMESE = {
    r"chệch hướng": "off track is “Trễ tiến độ”",
    r"tham vọng": "aspirational is “truyền cảm hứng”",
    r"đang mở|đang hoạt động": "active is “đang thực hiện”",
    r"dự kiến đến nay": "the plan to date is “Kế hoạch đến nay”",
    r"sức khỏe": "a KPI is “chỉ số vận hành cần duy trì”",
    r"việc riêng": "check-ins are sent in the personal chat",
    r"^xong\b": "“Đã chuyển sang tiếng Việt.”",
    r"đã cũ": "an expired card is “không còn hiệu lực”",
    r"thay vào đó": "a calque",
    r"@mention|nhắc đến tôi": "Teams in Vietnamese says “@đề cập”",
    r"chưa đạt": "missed is “Không đạt”",
    r"cột mốc là 0 hoặc 1": "“0 = chưa xong, 1 = xong”",
    r"tùy chọn ngày": "“Tự chọn khoảng thời gian”",
    r"kích hoạt": "activate is “Bắt đầu thực hiện”",
    r"bản tin": "the digest is “bản tổng hợp”",
}


def test_vietnamese_uses_none_of_the_retired_words() -> None:
    found = {
        (key, pattern)
        for key, value in catalog(Language.VI).items()
        for pattern in RETIRED_VIETNAMESE
        if re.search(pattern, value.casefold())
    }
    assert found == set()


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("checkin_status.off_track", "Trễ tiến độ"),
        ("pace.expected", "Kế hoạch đến nay: {expected}"),
        ("language.changed", "Đã chuyển sang tiếng Việt."),
        ("score.reading.missed", "Không đạt"),
        ("form.period.custom", "Tự chọn khoảng thời gian"),
        ("action.activate", "Bắt đầu thực hiện"),
        ("objective_state.active", "Đang thực hiện"),
    ],
)
def test_the_consistency_pass_labels(key: str, expected: str) -> None:
    assert catalog(Language.VI)[key] == expected


@pytest.mark.parametrize(
    ("key", "phrase"),
    [
        ("closing.warning.aim_higher", "truyền cảm hứng"),
        ("form.kpi.hint", "chỉ số vận hành cần duy trì"),
        ("checkin.in_personal_chat", "Thẻ cập nhật chỉ gửi trong trò chuyện riêng"),
        ("error.card_expired", "không còn hiệu lực"),
        ("error.card_expired_gone", "không còn hiệu lực"),
        ("settings.card_expired", "không còn hiệu lực"),
        ("settings.not_owner", "Dưới đây là cài đặt cá nhân của bạn."),
        ("help.channel_hint", "@đề cập"),
        ("form.key_result.values_hint", "0 = chưa xong, 1 = xong"),
        ("list.my_okrs.empty", "đang thực hiện"),
        ("list.team_okrs.empty", "đang thực hiện"),
        ("checkin.nothing", "đang thực hiện"),
    ],
)
def test_the_consistency_pass_sentences(key: str, phrase: str) -> None:
    assert phrase in catalog(Language.VI)[key]


def test_the_check_in_intro_calls_the_status_as_its_field_does() -> None:
    intro = catalog(Language.VI)["checkin.intro"].casefold()
    assert catalog(Language.VI)["field.checkin.status"].casefold() in intro
    assert "trạng thái" not in intro
    assert intro.count("để") <= 1  # not "để trống giá trị để bỏ qua"


# --- Two scales, two vocabularies --------------------------------------------------------

# The words that belong to each scale: the owner's status says how the work is going,
# the pace compares progress with the plan for the period.
STATUS_WORDS = {Language.EN: ("track", "risk"), Language.VI: ("tiến độ", "rủi ro")}
PACE_WORDS = {Language.EN: ("pace", "behind"), Language.VI: ("kế hoạch",)}


@pytest.mark.parametrize("lang", list(Language))
def test_pace_and_the_owners_status_never_share_a_word(lang: Language) -> None:
    statuses = [label(lang, s).casefold() for s in CheckInStatus]
    paces = [label(lang, p).casefold() for p in PaceStatus]
    assert len(set(statuses)) == len(statuses) and len(set(paces)) == len(paces)
    for pace in paces:
        assert not any(word in pace for word in STATUS_WORDS[lang]), pace
        assert any(word in pace for word in PACE_WORDS[lang]), pace
    for status in statuses:
        assert not any(word in status for word in PACE_WORDS[lang]), status
    for key in ("pace.expected", "checkin.pace_hint"):  # what stands beside a pace
        shown = _words_of(catalog(lang)[key]).casefold()
        assert not any(word in shown for word in STATUS_WORDS[lang]), key


def test_the_pace_scale_reads_on_pace_behind_pace_far_behind() -> None:
    assert [label(Language.EN, p) for p in PaceStatus] == ["On pace", "Behind pace", "Far behind"]
    assert [label(Language.VI, s) for s in CheckInStatus] == [
        "Đúng tiến độ",
        "Có rủi ro",
        "Trễ tiến độ",
    ]


# --- Honest copy -------------------------------------------------------------------------

# Digests are posted on a schedule (the digests pass, docs/scheduling.md) and periods
# are closed with scores and notes (docs/close.md). The old promises' wording stays out:
# the close asks "what we learned", it does not "write a closing note".
OVER_PROMISES = {
    Language.EN: (r"write a closing note",),
    Language.VI: (r"viết nhận xét",),
}


@pytest.mark.parametrize("lang", list(Language))
def test_no_copy_uses_the_old_promises_wording(lang: Language) -> None:
    manifest = json.loads((ROOT / "manifest" / f"{lang.value}.json").read_text(encoding="utf-8"))
    shown = {f"catalog {k}": v for k, v in catalog(lang).items()} | {
        f"manifest {k}": v for k, v in manifest.items() if "description" in k
    }
    found = {
        (where, pattern)
        for where, value in shown.items()
        for pattern in OVER_PROMISES[lang]
        if re.search(pattern, value.casefold())
    }
    assert found == set()


def test_the_close_command_says_what_it_records() -> None:
    assert "scores" in catalog(Language.EN)["command.close.description"]
    assert "chấm điểm" in catalog(Language.VI)["command.close.description"]
    assert "digest" in catalog(Language.EN)["settings.digest.hint"]
