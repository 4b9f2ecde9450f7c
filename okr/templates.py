"""The six example OKRs of the source document, to start an objective from.

Microsoft's Vietnamese page on OKRs gives six examples: company, business
operations, product and engineering, customer success, sales and marketing. The
numbers and the shape are the source's; the Vietnamese is written as a Vietnamese
colleague would write it, without the source's translation slips ("Cho chạy phiên
bản 2.0" for "launch", "quy trình" for a sales pipeline, "quý một", "được nhắm mục
tiêu"), and the English says the same. Each example is written once with both
languages side by side, so the numbers and the shape cannot drift apart between
languages.

Choices the source leaves open, made here:

* Key-result titles drop the "from X to Y" part of the source sentence ("Tăng thu
  nhập trung bình hàng năm từ 12 triệu USD lên 24 triệu USD" becomes the title "Tăng
  thu nhập bình quân hằng năm", start 12,000,000 and target 24,000,000 USD): the
  card shows the numbers, and a title with numbers would go stale when edited.
  Key results stated as an amount to reach ("Chốt 500.000 USD ...") start at 0.
* The source gives no objective types. Doubling revenue and becoming the
  industry's favourite vendor read as stretch goals (aspirational); the others are
  committed.
* Levels: the company example is organisation-wide; the others are team OKRs.
* The company example has an annual objective and a quarterly one aligned to it;
  the quarterly one is in :attr:`ObjectiveTemplate.aligned`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from okr.models import KeyResult, KeyResultKind, Level, Objective, ObjectiveType
from okr.periods import PeriodKind

SUPPORTED_LANGUAGES = ("en", "vi")


class TemplateKey(StrEnum):
    """Which example of the source document a template is."""

    COMPANY = "company"
    BUSINESS_OPERATIONS = "business_operations"
    PRODUCT_ENGINEERING = "product_engineering"
    CUSTOMER_SUCCESS = "customer_success"
    SALES = "sales"
    MARKETING = "marketing"


class TemplateLanguageError(ValueError):
    """Templates were asked for in a language they are not written in."""


@dataclass(frozen=True, slots=True)
class KeyResultTemplate:
    """A key result of an example, in one language.

    Attributes:
        title: What is measured, without the numbers.
        kind: The metric's shape.
        start: Value at the start (seconds for durations).
        target: Value to reach; never equal to ``start``.
        unit: Shown after numbers and durations ("phiếu/tháng"); empty otherwise.
        currency: ISO 4217 code for money key results.
    """

    title: str
    kind: KeyResultKind
    start: Decimal
    target: Decimal
    unit: str = ""
    currency: str | None = None

    def key_result(
        self, objective: Objective, id: str, now: datetime, owner_id: str | None = None
    ) -> KeyResult:
        """This key result of ``objective`` at its start value, owned by ``owner_id``.

        Without ``owner_id``, the objective's owner owns it.
        """
        return KeyResult(
            tenant_id=objective.tenant_id,
            id=id,
            objective_id=objective.id,
            title=self.title,
            owner_id=owner_id or objective.owner_id,
            kind=self.kind,
            start=self.start,
            target=self.target,
            current=self.start,
            unit=self.unit,
            currency=self.currency,
            created_at=now,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ObjectiveTemplate:
    """An objective of an example with its key results and initiatives, in one language.

    Attributes:
        objective: The objective's title (no final full stop).
        type: Committed or aspirational.
        level: Organisation, team or individual.
        period: The kind of period the source names (annual, quarterly, fiscal
            year), or ``None`` when it names none.
        key_results: The measurable results, in the source's order.
        initiatives: The work the source lists to drive the key results.
        aligned: Objectives of the example that align to this one (children).
    """

    objective: str
    type: ObjectiveType
    level: Level
    period: PeriodKind | None
    key_results: tuple[KeyResultTemplate, ...]
    initiatives: tuple[str, ...] = ()
    aligned: tuple[ObjectiveTemplate, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Template(ObjectiveTemplate):
    """One of the six examples, in one language.

    Attributes:
        key: Which example; stable across languages (used in card actions).
        area: The example's heading ("Sales", "Bán hàng").
        lang: The language of the texts, ``"en"`` or ``"vi"``.
    """

    key: TemplateKey
    area: str
    lang: str


# --- The source data, both languages side by side ------------------------------------


@dataclass(frozen=True, slots=True)
class _Text:
    en: str
    vi: str

    def __call__(self, lang: str) -> str:
        return self.vi if lang == "vi" else self.en


@dataclass(frozen=True, slots=True)
class _KeyResult:
    title: _Text
    kind: KeyResultKind
    start: int
    target: int
    unit: _Text | None = None
    currency: str | None = None


@dataclass(frozen=True, slots=True)
class _Objective:
    title: _Text
    type: ObjectiveType
    level: Level
    period: PeriodKind | None
    key_results: tuple[_KeyResult, ...]
    initiatives: tuple[_Text, ...] = ()
    aligned: tuple[_Objective, ...] = ()


def _usd(title: _Text, start: int, target: int) -> _KeyResult:
    return _KeyResult(title, KeyResultKind.CURRENCY, start, target, currency="USD")


def _count(title: _Text, start: int, target: int, unit: _Text) -> _KeyResult:
    return _KeyResult(title, KeyResultKind.NUMBER, start, target, unit)


_SOURCE: tuple[tuple[TemplateKey, _Text, _Objective], ...] = (
    (
        TemplateKey.COMPANY,
        _Text("Company", "Toàn công ty"),
        _Objective(
            _Text(
                "Double annual revenue to build a profitable, sustainable company",
                "Tăng gấp đôi doanh thu hằng năm để xây dựng một công ty có lãi và phát triển "
                "bền vững",
            ),
            ObjectiveType.ASPIRATIONAL,
            Level.ORGANIZATION,
            PeriodKind.YEAR,
            (
                _usd(
                    _Text("Increase average annual income", "Tăng thu nhập bình quân hằng năm"),
                    12_000_000,
                    24_000_000,
                ),
            ),
            aligned=(
                _Objective(
                    _Text(
                        "Grow revenue and optimize the sales process so that the company "
                        "reaches its goal of doubling annual revenue",
                        "Tăng doanh thu và tối ưu quy trình bán hàng để công ty đạt mục tiêu "
                        "tăng gấp đôi doanh thu năm",
                    ),
                    ObjectiveType.COMMITTED,
                    Level.ORGANIZATION,
                    PeriodKind.QUARTER,
                    (
                        _usd(
                            _Text(
                                "Increase new product sales in the first quarter",
                                "Tăng doanh số sản phẩm mới trong quý 1",
                            ),
                            12_000_000,
                            15_000_000,
                        ),
                    ),
                    initiatives=(
                        _Text(
                            "Develop new sales enablement materials",
                            "Soạn bộ tài liệu bán hàng mới",
                        ),
                    ),
                ),
            ),
        ),
    ),
    (
        TemplateKey.BUSINESS_OPERATIONS,
        _Text("Business operations", "Vận hành kinh doanh"),
        _Objective(
            _Text(
                "Provide the most efficient revenue operations to support the GTM teams",
                "Vận hành doanh thu hiệu quả nhất để hỗ trợ các nhóm đưa sản phẩm ra thị "
                "trường (GTM)",
            ),
            ObjectiveType.COMMITTED,
            Level.TEAM,
            None,
            (
                _usd(
                    _Text("Increase sales pipeline velocity", "Tăng tốc độ pipeline bán hàng"),
                    30_000,
                    45_000,
                ),
                _KeyResult(
                    _Text(
                        "Increase unified customer and user data between Marketo and Salesforce",
                        "Tăng tỷ lệ dữ liệu khách hàng và người dùng được đồng bộ giữa Marketo "
                        "và Salesforce",
                    ),
                    KeyResultKind.PERCENTAGE,
                    80,
                    90,
                ),
                _count(
                    _Text(
                        "Reduce weekly hours of manual work by improving the subscription "
                        "management process",
                        "Giảm số giờ làm thủ công mỗi tuần nhờ cải tiến quy trình quản lý "
                        "gói thuê bao",
                    ),
                    3,
                    1,
                    _Text("hours", "giờ"),
                ),
            ),
        ),
    ),
    (
        TemplateKey.PRODUCT_ENGINEERING,
        _Text("Product and engineering", "Sản phẩm và kỹ thuật"),
        _Objective(
            _Text(
                "Launch version 2.0 of the product to fix bugs, refine the user interface "
                "and drive user engagement",
                "Ra mắt phiên bản 2.0 của sản phẩm để sửa lỗi, hoàn thiện giao diện và tăng "
                "tương tác của người dùng",
            ),
            ObjectiveType.COMMITTED,
            Level.TEAM,
            None,
            (
                _count(
                    _Text("Reduce support tickets", "Giảm số phiếu hỗ trợ"),
                    120,
                    30,
                    _Text("tickets/month", "phiếu/tháng"),
                ),
                _count(
                    _Text(
                        "Reduce the number of steps in the checkout process",
                        "Giảm số bước trong quy trình thanh toán",
                    ),
                    9,
                    6,
                    _Text("steps", "bước"),
                ),
                _KeyResult(
                    _Text(
                        "Increase the time users are active on the website",
                        "Tăng thời gian người dùng ở lại trang web",
                    ),
                    KeyResultKind.DURATION,
                    2 * 60 + 37,
                    3 * 60 + 45,
                    _Text("per session", "mỗi phiên"),
                ),
            ),
            initiatives=(
                _Text("Conduct click research", "Nghiên cứu hành vi nhấp chuột của người dùng"),
                _Text("Build bug reporting", "Xây dựng tính năng báo lỗi"),
            ),
        ),
    ),
    (
        TemplateKey.CUSTOMER_SUCCESS,
        _Text("Customer success", "Thành công khách hàng"),
        _Objective(
            _Text(
                "Optimize the training process to increase product adoption",
                "Tối ưu quy trình đào tạo khách hàng để sản phẩm được sử dụng rộng rãi hơn",
            ),
            ObjectiveType.COMMITTED,
            Level.TEAM,
            None,
            (
                _count(
                    _Text(
                        "Increase monthly active users in key customer accounts",
                        "Tăng số người dùng hoạt động hằng tháng ở các khách hàng trọng điểm",
                    ),
                    250_000,
                    350_000,
                    _Text("users", "người dùng"),
                ),
                _count(
                    _Text(
                        "Increase customer-facing knowledge base articles",
                        "Tăng số bài viết trong kho kiến thức dành cho khách hàng",
                    ),
                    25,
                    100,
                    _Text("articles", "bài viết"),
                ),
                _count(
                    _Text(
                        "Double the number of employees active during working hours",
                        "Tăng gấp đôi số nhân viên dùng sản phẩm trong giờ làm việc",
                    ),
                    500,
                    1_000,
                    _Text("people", "người"),
                ),
            ),
            initiatives=(
                _Text(
                    "Draft a calendar of customer events for the next two quarters",
                    "Lên lịch sự kiện cho khách hàng trong hai quý tới",
                ),
            ),
        ),
    ),
    (
        TemplateKey.SALES,
        _Text("Sales", "Bán hàng"),
        _Objective(
            _Text(
                "Add $1 million in average annual profit through sales to new customers "
                "this fiscal year",
                "Tăng thêm 1 triệu USD lợi nhuận bình quân năm từ doanh số bán cho khách hàng "
                "mới trong năm tài chính này",
            ),
            ObjectiveType.COMMITTED,
            Level.TEAM,
            PeriodKind.FISCAL_YEAR,
            (
                _usd(
                    _Text(
                        "Close new deals with enterprises",
                        "Chốt hợp đồng mới với khách hàng doanh nghiệp lớn",
                    ),
                    0,
                    500_000,
                ),
                _usd(
                    _Text(
                        "Close new deals in the mid-market",
                        "Chốt hợp đồng mới ở phân khúc doanh nghiệp tầm trung",
                    ),
                    0,
                    300_000,
                ),
                _usd(
                    _Text(
                        "Close new deals with small and medium businesses",
                        "Chốt hợp đồng mới với doanh nghiệp vừa và nhỏ",
                    ),
                    0,
                    200_000,
                ),
            ),
        ),
    ),
    (
        TemplateKey.MARKETING,
        _Text("Marketing", "Tiếp thị"),
        _Objective(
            _Text(
                "Improve the marketing funnel to become the industry's favorite vendor",
                "Cải thiện phễu tiếp thị để trở thành nhà cung cấp được yêu thích nhất trong ngành",
            ),
            ObjectiveType.ASPIRATIONAL,
            Level.TEAM,
            PeriodKind.QUARTER,
            (
                _count(
                    _Text(
                        "Run targeted lead generation campaigns in the first quarter",
                        "Triển khai các chiến dịch tìm khách hàng tiềm năng nhắm đúng đối tượng "
                        "trong quý 1",
                    ),
                    0,
                    6,
                    _Text("campaigns", "chiến dịch"),
                ),
                _count(
                    _Text(
                        "Attract new marketing qualified leads for sales in the first quarter",
                        "Chuyển cho đội bán hàng thêm khách hàng tiềm năng đạt chuẩn tiếp thị "
                        "(MQL) trong quý 1",
                    ),
                    0,
                    950,
                    _Text("leads", "khách hàng tiềm năng"),
                ),
                _usd(
                    _Text(
                        "Drive pipeline generated by marketing in the first quarter",
                        "Tạo giá trị pipeline bán hàng từ hoạt động tiếp thị trong quý 1",
                    ),
                    0,
                    10_000_000,
                ),
            ),
            initiatives=(_Text("Update marketing materials", "Cập nhật tài liệu tiếp thị"),),
        ),
    ),
)


# --- Lookup ------------------------------------------------------------------------------


def templates_for(lang: str) -> tuple[Template, ...]:
    """The six examples in ``lang`` (``"en"`` or ``"vi"``), in the source's order.

    Raises:
        TemplateLanguageError: ``lang`` is not a supported language.
    """
    _check_language(lang)
    return tuple(_template(key, area(lang), source, lang) for key, area, source in _SOURCE)


def find_template(key: str, lang: str) -> Template | None:
    """One example by its key (e.g. ``"sales"``) in ``lang``, or ``None`` for an unknown key.

    A key comes back from a card, so an unknown one is a stale or forged card, not a bug.

    Raises:
        TemplateLanguageError: ``lang`` is not a supported language.
    """
    _check_language(lang)
    for candidate, area, source in _SOURCE:
        if candidate == key:
            return _template(candidate, area(lang), source, lang)
    return None


def _check_language(lang: str) -> None:
    if lang not in SUPPORTED_LANGUAGES:
        raise TemplateLanguageError(f"no templates in language {lang!r}")


def _template(key: TemplateKey, area: str, source: _Objective, lang: str) -> Template:
    body = _objective(source, lang)
    return Template(
        key=key,
        area=area,
        lang=lang,
        objective=body.objective,
        type=body.type,
        level=body.level,
        period=body.period,
        key_results=body.key_results,
        initiatives=body.initiatives,
        aligned=body.aligned,
    )


def _objective(source: _Objective, lang: str) -> ObjectiveTemplate:
    return ObjectiveTemplate(
        objective=source.title(lang),
        type=source.type,
        level=source.level,
        period=source.period,
        key_results=tuple(
            KeyResultTemplate(
                title=kr.title(lang),
                kind=kr.kind,
                start=Decimal(kr.start),
                target=Decimal(kr.target),
                unit=kr.unit(lang) if kr.unit else "",
                currency=kr.currency,
            )
            for kr in source.key_results
        ),
        initiatives=tuple(initiative(lang) for initiative in source.initiatives),
        aligned=tuple(_objective(child, lang) for child in source.aligned),
    )
