"""The string catalogs and the choice of language."""

from __future__ import annotations

import enum
import string
import unicodedata

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


def test_the_okr_sentence_uses_the_source_wording() -> None:
    params = {"objective": "O", "key_results": "K", "initiatives": "S"}
    assert text(Language.EN, "okr.sentence", **params) == "I will O as measured by K through S."
    # "Tôi sẽ [mục tiêu] được đo bằng [kết quả chính] thông qua [sáng kiến]" (seed document)
    assert text(Language.VI, "okr.sentence", **params) == "Tôi sẽ O được đo bằng K thông qua S."


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
