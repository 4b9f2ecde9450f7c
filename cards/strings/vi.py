"""Vietnamese strings of the bot (tiếng Việt).

Same keys and ``{placeholders}`` as ``en.py``. Vocabulary follows Microsoft's
Vietnamese page on OKRs: Mục tiêu (objective), Kết quả chính (key result), Sáng
kiến (initiative), OKR cam kết / truyền cảm hứng (committed / aspirational). A key
result's target is "chỉ tiêu", so that it never reads like "mục tiêu" (objective).
Numbers written inside strings use the Vietnamese decimal comma (0,7).
"""

STRINGS: dict[str, str] = {
    # --- Welcome and help -------------------------------------------------------
    "greeting.hello": "Chào {name}! Đây là những việc tôi có thể giúp bạn ngay:",
    "greeting.hello_anonymous": "Xin chào! Đây là những việc tôi có thể giúp bạn ngay:",
    "welcome.title": "Xin chào, tôi là bot theo dõi OKR",
    "welcome.body": (
        "Tôi giúp nhóm của bạn quản lý OKR ngay trong Teams: mục tiêu, kết quả chính, "
        "sáng kiến và các lần cập nhật tiến độ định kỳ, ai cũng có thể xem. Gõ **tạo mới** "
        "để tạo mục tiêu, **mẫu** để bắt đầu từ một ví dụ, hoặc **trợ giúp** để xem "
        "tất cả các lệnh."
    ),
    "welcome.personal": (
        "Chào {name}! Tôi sẽ nhắc bạn cập nhật tiến độ các kết quả chính theo lịch của nhóm. "
        "Gõ **trợ giúp** để xem tôi còn làm được gì nữa."
    ),
    "welcome.team_zone": (
        "Múi giờ của nhóm: **{zone}** (chủ sở hữu nhóm có thể đổi trong **cài đặt**)."
    ),
    "welcome.first_round": (
        "**Sắp tới:** đợt cập nhật tiến độ đầu tiên vào {when} ({zone}). Ai phụ trách kết quả "
        "chính sẽ nhận thẻ cập nhật vào giờ đó, theo múi giờ của mình."
    ),
    "welcome.your_first_checkin": (
        "**Sắp tới:** lần cập nhật tiến độ đầu tiên của bạn vào {when} (giờ của bạn, {zone}), "
        "cho các kết quả chính bạn phụ trách."
    ),
    "welcome.before_then": (
        "Trước đó: hãy tạo mục tiêu và kết quả chính, bắt đầu từ một mẫu, hoặc hỏi trưởng nhóm "
        "những kết quả chính nào do bạn phụ trách."
    ),
    "owner_welcome.title": "{team} đã sẵn sàng cập nhật OKR",
    "owner_welcome.intro": (
        "Bạn là chủ sở hữu của {team}, đây là ba bước để bắt đầu. Múi giờ của nhóm là "
        "**{zone}**; đợt cập nhật tiến độ đầu tiên vào {when}."
    ),
    "owner_welcome.schedule.title": "Bước 1: Đặt lịch cập nhật tiến độ",
    "owner_welcome.schedule.body": "Bao lâu một lần, vào ngày nào và mấy giờ.",
    "owner_welcome.schedule.button": "Đặt lịch",
    "owner_welcome.digest.title": "Bước 2: Chọn kênh nhận bản tổng hợp",
    "owner_welcome.digest.body": "Nơi đăng tiến độ của nhóm.",
    "owner_welcome.digest.button": "Chọn kênh",
    "owner_welcome.objectives.title": "Bước 3: Tạo hoặc nhập các mục tiêu đầu tiên",
    "owner_welcome.objectives.body": (
        "Tạo từ đầu hoặc từ một mẫu. Để nhập nhiều mục tiêu cùng lúc, người vận hành bot có "
        "thể nạp tệp CSV bằng **python app.py import** (xem docs/csv.md)."
    ),
    "help.title": "Tôi có thể giúp gì",
    "help.intro": "Gõ một trong các lệnh sau, bằng tiếng Việt hoặc tiếng Anh:",
    "command.running": "**{usage}**: có ngay đây.",
    "help.line": "**{usage}**: {description}",
    "help.channel_hint": "Trong kênh, hãy @đề cập tôi trước: **@{bot_name} trợ giúp**.",
    "message.only_mention": "Chào bạn! Gõ **trợ giúp** để xem tôi có thể làm gì.",
    # --- Shared conversations: answers for one person go to their personal chat ---
    "form.sent_below": "Biểu mẫu ở tin nhắn ngay bên dưới.",
    "shared.sent_to_chat": "Đã gửi vào trò chuyện riêng của bạn với tôi.",
    "shared.command_sent": (
        "Câu trả lời này chỉ dành cho bạn: tôi đã gửi vào trò chuyện riêng của bạn với tôi."
    ),
    "shared.chat_unreachable": (
        "Tôi chưa mở được trò chuyện riêng với bạn. Bạn hãy tự mở: trong Teams, vào "
        "**Ứng dụng**, tìm **{app}** và chọn **Mở**, gửi một lời chào rồi thử lại."
    ),
    # --- Commands: usage (as typed) and one-line description --------------------
    "command.help.usage": "trợ giúp",
    "command.help.description": "xem danh sách lệnh này",
    "command.new.usage": "tạo mới",
    "command.new.description": "tạo một mục tiêu cùng các kết quả chính",
    "command.my_okrs.usage": "okr của tôi",
    "command.my_okrs.description": "các mục tiêu và kết quả chính bạn phụ trách",
    "command.team_okrs.usage": "okr của nhóm",
    "command.team_okrs.description": "các mục tiêu của nhóm này và tiến độ",
    "command.status.usage": "trạng thái <mục tiêu>",
    "command.status.description": "tiến độ của một mục tiêu",
    "command.checkin.usage": "cập nhật",
    "command.checkin.description": "cập nhật tiến độ các kết quả chính của bạn ngay bây giờ",
    "command.digest.usage": "tổng hợp",
    "command.digest.description": "bản tổng hợp tiến độ của nhóm",
    "command.settings.usage": "cài đặt",
    "command.settings.description": (
        "lịch cập nhật tiến độ và lời nhắc của nhóm (dành cho chủ sở hữu nhóm)"
    ),
    "command.close.usage": "kết thúc kỳ",
    "command.close.description": (
        "kết thúc kỳ: chấm điểm, ghi bài học, chuyển sang kỳ sau (chủ sở hữu nhóm: cả nhóm)"
    ),
    "command.templates.usage": "mẫu",
    "command.templates.description": "bắt đầu một mục tiêu từ một trong sáu ví dụ",
    "command.language.usage": "ngôn ngữ en|vi",
    "command.language.description": "trò chuyện với tôi bằng tiếng Anh (en) hoặc tiếng Việt (vi)",
    "command.unknown": "Xin lỗi, tôi không biết lệnh “{text}”.",
    "command.did_you_mean": "Ý bạn là {suggestions} phải không?",
    "command.see_help": "Gõ **trợ giúp** để xem tất cả các lệnh.",
    "command.coming_soon": "Lệnh “{command}” hiện chưa dùng được.",
    # --- Language -----------------------------------------------------------------
    "language.changed": "Đã chuyển sang tiếng Việt.",
    "language.unknown": (
        "Tôi nói được tiếng Anh và tiếng Việt. Gõ **ngôn ngữ en** hoặc **ngôn ngữ vi**."
    ),
    "language.name.en": "Tiếng Anh",
    "language.name.vi": "Tiếng Việt",
    # --- Errors and permissions -------------------------------------------------
    "error.internal": "Xin lỗi, đã có lỗi xảy ra ở phía tôi. Vui lòng thử lại sau ít phút.",
    "error.card_expired": "Thẻ này không còn hiệu lực. Đây là phiên bản mới nhất.",
    "error.not_this_app": (
        "Thẻ hoặc thao tác này không thuộc ứng dụng này, hoặc thuộc một phiên bản cũ không còn "
        "dùng nữa. Gõ **trợ giúp** để xem tôi có thể làm gì."
    ),
    "error.storage_unavailable": (
        "Kho dữ liệu đang không phản hồi nên tôi chưa chắc thao tác đã được thực hiện. "
        "Vui lòng thử lại sau ít phút."
    ),
    "checkin.storage_unavailable": (
        "Kho dữ liệu đang không phản hồi nên tôi chưa xác nhận được cập nhật đã được lưu. Các "
        "giá trị vẫn còn trên thẻ: vui lòng bấm **Gửi cập nhật** lại sau ít phút, cập nhật chỉ "
        "được ghi nhận một lần."
    ),
    "permission.objective": (
        "Chỉ người phụ trách mục tiêu hoặc chủ sở hữu nhóm mới có thể thay đổi mục tiêu này."
    ),
    "permission.key_result": (
        "Chỉ người phụ trách kết quả chính, người phụ trách mục tiêu hoặc chủ sở hữu nhóm "
        "mới có thể thay đổi kết quả chính này."
    ),
    "permission.team_owner": "Chỉ chủ sở hữu nhóm mới có thể thay đổi mục này.",
    "permission.read_only_hint": (
        "Mọi người đều xem được OKR; chỉ người phụ trách mới có thể thay đổi."
    ),
    # --- Validation of authoring forms --------------------------------------------
    "validation.required": "Trường này là bắt buộc.",
    "validation.too_long": "Quá dài: tối đa {max} ký tự.",
    "validation.target_equals_start": (
        "Chỉ tiêu phải khác giá trị ban đầu, nếu không sẽ không thể đo tiến độ."
    ),
    "validation.date_outside_period": "Hãy chọn một ngày từ {start} đến {end}.",
    "validation.not_a_number": "“{value}” không phải là số.",
    "validation.other_currency": (
        "Kết quả chính này tính bằng {expected}, còn “{value}” là loại tiền khác: "
        "hãy nhập số tiền bằng {expected}."
    ),
    "validation.not_money": (
        "Kết quả chính này không tính bằng tiền: hãy nhập “{value}” mà không kèm đơn vị tiền."
    ),
    "validation.not_percent": (
        "Kết quả chính này không phải tỷ lệ phần trăm: hãy nhập số mà không có dấu %."
    ),
    "validation.number_malformed": (
        "“{value}” không đúng định dạng số. Hãy viết như 12.000.000 hoặc 12,5."
    ),
    "validation.number_ambiguous": (
        "“{value}” có thể hiểu theo hai cách. Hãy viết số nguyên không có dấu phân cách "
        "(12000) và dùng dấu phẩy cho phần thập phân (12,5)."
    ),
    "validation.number_too_long": "“{value}” có quá nhiều chữ số (tối đa 15).",
    "validation.duration_malformed": (
        "“{value}” không phải là thời lượng. Hãy viết phút:giây (2:37) hoặc giờ:phút:giây "
        "(1:02:03)."
    ),
    "validation.unknown_owner": "Hãy chọn người phụ trách trong số thành viên của nhóm.",
    "validation.currency_required": "Hãy chọn đơn vị tiền tệ cho kết quả chính đo bằng tiền.",
    "validation.unknown_currency": "“{value}” không phải là mã tiền tệ (ví dụ: USD, VND, EUR).",
    "validation.invalid_choice": "Hãy chọn một trong các lựa chọn.",
    "validation.not_a_date": "Hãy chọn một ngày.",
    "validation.period_dates_required": "Hãy chọn cả ngày đầu tiên và ngày cuối cùng của kỳ.",
    "validation.end_before_start": "Ngày cuối cùng không được trước ngày đầu tiên.",
    "validation.unknown_parent": "Mục tiêu đó không còn tồn tại. Hãy chọn mục tiêu khác.",
    "validation.parent_cycle": (
        "Không thể gắn mục tiêu này với mục tiêu đó: liên kết sẽ tạo thành vòng lặp."
    ),
    "validation.percentage_out_of_range": "Tỷ lệ phần trăm phải nằm trong khoảng -1.000 đến 1.000.",
    "validation.negative_duration": "Thời lượng không được là số âm.",
    # --- Authoring forms --------------------------------------------------------------
    "form.fix_problems": "Vui lòng sửa các trường được đánh dấu bên dưới.",
    # Issue 15 (forms without dead ends): what to enter, where the first problem is.
    "form.required.objective_title": "Hãy nhập tên mục tiêu.",
    "form.required.key_result_title": "Hãy nhập tên kết quả chính.",
    "form.required.initiative_title": "Hãy nhập tên sáng kiến.",
    "form.required.kpi_title": "Hãy nhập tên KPI.",
    "form.fix_first": "Kiểm tra “{field}”: {problem}",
    "form.fix_first_of_many": (
        "Kiểm tra “{field}”: {problem} (cần sửa {count} trường, được đánh dấu bên dưới.)"
    ),
    "form.nothing_changed": "Không có gì thay đổi.",
    "form.not_yours": "Thẻ này do người khác mở; không có gì thay đổi.",
    "form.template.title": "Mục tiêu mới theo mẫu “{template}”",
    "form.template.key_results": "Các kết quả chính sẽ được tạo",
    "form.template.key_results_hint": (
        "Chọn người phụ trách cho từng kết quả chính; có thể đổi sau."
    ),
    "action.edit_objective": "Sửa mục tiêu",
    "action.edit_named": "Sửa “{title}”",
    "action.edit_key_result_tip": "Sửa kết quả chính “{title}”",
    "action.edit_initiative_tip": "Sửa sáng kiến “{title}”",
    "form.objective.new": "Mục tiêu mới",
    "form.objective.edit": "Sửa mục tiêu",
    "form.objective.hint": (
        "Mục tiêu là đích đến định tính, truyền cảm hứng. Hãy đo mục tiêu bằng 3 đến 5 "
        "kết quả chính."
    ),
    "form.objective.title_placeholder": "VD: Cải thiện phễu tiếp thị",
    "form.objective.type_hint": (
        "Cam kết: dự kiến hoàn thành trọn vẹn. Truyền cảm hứng: mục tiêu vươn xa, "
        "đạt 0,7 đã là kết quả tốt."
    ),
    "form.period.custom": "Tự chọn khoảng thời gian",
    "form.period.start": "Ngày đầu tiên",
    "form.period.end": "Ngày cuối cùng",
    "form.parent.none": "Không có",
    "form.key_result.new": "Kết quả chính mới",
    "form.key_result.edit": "Sửa kết quả chính",
    "form.key_result.for": "Thuộc mục tiêu “{objective}”",
    "form.key_result.hint": (
        "Kết quả chính phải đo được và có một người chịu trách nhiệm theo dõi tiến độ."
    ),
    "form.key_result.title_placeholder": "VD: Giảm số phiếu hỗ trợ",
    "form.key_result.start_placeholder": "VD: 120",
    "form.key_result.target_placeholder": "VD: 30",
    "form.key_result.current_placeholder": "VD: 95",
    "form.key_result.values_hint": (
        "Nhập số như bình thường (12.000.000 hoặc 12,5), phần trăm như 80, thời lượng dạng "
        "phút:giây (2:37), cột mốc: 0 = chưa xong, 1 = xong."
    ),
    "form.key_result.unit_placeholder": "VD: phiếu/tháng",
    "form.initiative.new": "Sáng kiến mới",
    "form.kpi.new": "KPI mới",
    "form.kpi.hint": (
        "KPI là chỉ số vận hành cần duy trì, theo dõi song song với OKR (ví dụ: thời gian chạy "
        "của website ≥ 99,5%): KPI chỉ đạt ngưỡng hoặc không, không phải là mục tiêu."
    ),
    # --- Field labels ---------------------------------------------------------------
    "field.objective.title": "Mục tiêu",
    "field.objective.description": "Mô tả",
    "field.objective.owner": "Người phụ trách",
    "field.objective.level": "Cấp độ",
    "field.objective.type": "Loại",
    "field.objective.period": "Kỳ",
    "field.objective.parent": "Gắn với mục tiêu",
    "field.objective.starts_on": "Ngày bắt đầu",
    "form.objective.starts_on_hint": (
        "Kế hoạch đến nay được tính từ ngày này đến hết kỳ. Để trống: ngày đầu kỳ, "
        "hoặc ngày mục tiêu được bắt đầu thực hiện nếu muộn hơn."
    ),
    "field.objective.state": "Trạng thái",
    "field.objective.score": "Điểm",
    "field.objective.closing_note": "Bài học rút ra",
    "field.key_result.title": "Kết quả chính",
    "field.key_result.owner": "Người phụ trách",
    "field.key_result.kind": "Đo bằng",
    "field.key_result.start": "Ban đầu",
    "field.key_result.target": "Chỉ tiêu",
    "field.key_result.current": "Hiện tại",
    "field.key_result.unit": "Đơn vị",
    "field.key_result.currency": "Tiền tệ",
    "field.key_result.progress": "Tiến độ",
    "field.key_result.due_date": "Hạn hoàn thành",
    "field.initiative.title": "Sáng kiến",
    "field.initiative.owner": "Người phụ trách",
    "field.initiative.key_result": "Thúc đẩy kết quả chính",
    "field.initiative.state": "Trạng thái",
    "field.kpi.title": "KPI",
    "field.kpi.threshold": "Ngưỡng",
    "field.kpi.comparison": "Đạt ngưỡng khi giá trị",
    "field.kpi.current": "Giá trị hiện tại",
    "field.kpi.unit": "Đơn vị",
    "field.kpi.owner": "Người phụ trách",
    "field.checkin.value": "Giá trị mới",
    "field.checkin.status": "Tình trạng",
    "field.checkin.confidence": "Mức độ tự tin (1–10)",
    "field.checkin.note": "Ghi chú",
    "field.owner.none": "Chưa có người phụ trách",
    # --- Enum labels ------------------------------------------------------------------
    "level.organization": "Tổ chức",
    "level.team": "Nhóm",
    "level.individual": "Cá nhân",
    "objective_type.committed": "Cam kết",
    "objective_type.aspirational": "Truyền cảm hứng",
    "objective_type.committed.hint": "dự kiến hoàn thành trọn vẹn (điểm 1,0)",
    "objective_type.aspirational.hint": "mục tiêu vươn xa: đạt 0,7 đã là kết quả tốt",
    "objective_state.draft": "Bản nháp",
    "objective_state.active": "Đang thực hiện",
    "objective_state.closed": "Đã kết thúc",
    "key_result_kind.number": "Số",
    "key_result_kind.percentage": "Phần trăm",
    "key_result_kind.currency": "Số tiền",
    "key_result_kind.duration": "Thời lượng (phút:giây)",
    "key_result_kind.milestone": "Cột mốc (hoàn thành hay chưa)",
    "checkin_status.on_track": "Đúng tiến độ",
    "checkin_status.at_risk": "Có rủi ro",
    "checkin_status.off_track": "Trễ tiến độ",
    "initiative_state.not_started": "Chưa bắt đầu",
    "initiative_state.in_progress": "Đang thực hiện",
    "initiative_state.done": "Hoàn thành",
    "comparison.at_least": "không thấp hơn",
    "comparison.at_most": "không cao hơn",
    "comparison.above": "cao hơn",
    "comparison.below": "thấp hơn",
    "milestone.done": "Đã hoàn thành",
    "milestone.not_done": "Chưa hoàn thành",
    "kpi.healthy": "Đạt ngưỡng",
    "kpi.unhealthy": "Cần chú ý",
    "kpi.unknown": "Chưa có giá trị",
    # --- Pace against the period, and scores --------------------------------------
    "pace.on_track": "Theo kịp kế hoạch",
    "pace.behind": "Chậm hơn kế hoạch",
    "pace.at_risk": "Chậm xa kế hoạch",
    "pace.expected": "Kế hoạch đến nay: {expected}",
    "score.value": "Điểm {score}",
    "score.reading.exceeded": "Vượt kỳ vọng: đã đạt cả mục tiêu vươn xa",
    "score.reading.achieved": "Đã đạt",
    "score.reading.partially_achieved": "Đạt một phần",
    "score.reading.missed": "Không đạt",
    "score.guide.committed": "Mục tiêu cam kết: dự kiến đạt điểm 1,0.",
    "score.guide.aspirational": "Mục tiêu truyền cảm hứng: đạt 0,7 đã là kết quả tốt.",
    "period.quarter": "Quý {quarter}/{year}",
    "period.year": "Năm {year}",
    "period.fiscal_year": "Năm tài chính {year}",
    "period.fiscal_quarter": "Quý {quarter} năm tài chính {year}",
    "period.custom": "{start} – {end}",
    # --- Guidance from the source (warnings, never blocking) ----------------------
    "guidance.title": "Gợi ý",
    "guidance.too_few_key_results": (
        "Nên có từ 3 đến 5 kết quả chính đo được; mục tiêu này mới có {count}."
    ),
    "guidance.too_many_key_results": (
        "Nên có từ 3 đến 5 kết quả chính; mục tiêu này có {count}, "
        "nhiều hơn 5 sẽ làm phân tán sự tập trung."
    ),
    "guidance.target_equals_start": (
        "“{key_result}”: chỉ tiêu bằng giá trị ban đầu nên không thể đo tiến độ."
    ),
    "guidance.key_result_without_owner": (
        "“{key_result}” chưa có người phụ trách. Mỗi kết quả chính phải có một người "
        "chịu trách nhiệm theo dõi tiến độ."
    ),
    "guidance.alignment_cycle": (
        "Liên kết của mục tiêu này tạo thành vòng lặp (cuối cùng lại gắn với chính nó). "
        "Hãy chọn một mục tiêu cấp trên khác."
    ),
    # --- The OKR sentence of the source document ----------------------------------
    "okr.no_key_results": "Chưa có kết quả chính nào.",
    "okr.initiatives": "Sáng kiến",
    "okr.block.objective": "Mục tiêu",
    "okr.block.measured_by": "Đo bằng",
    "okr.block.through": "Thông qua",
    "okr.key_result_count": "Kết quả chính: {count}",
    # --- Templates ----------------------------------------------------------------
    "templates.title": "Bắt đầu từ một ví dụ",
    "templates.intro": (
        "Sáu ví dụ về OKR. Hãy chọn một ví dụ rồi điều chỉnh cho phù hợp với nhóm của bạn."
    ),
    "templates.use": "Dùng mẫu này",
    # --- Actions on cards -------------------------------------------------------
    "action.create": "Tạo",
    "action.save": "Lưu",
    "action.cancel": "Hủy",
    "action.edit": "Sửa",
    "action.add_key_result": "Thêm kết quả chính",
    "action.add_initiative": "Thêm sáng kiến",
    "action.check_in": "Cập nhật tiến độ",
    "action.activate": "Bắt đầu thực hiện",
    "action.back": "Quay lại",
    "action.open_in_tab": "Mở trong tab",
    "action.open": "Mở",
    # --- Browsing and authoring replies (bot/authoring.py, bot/browsing.py) ---------
    "card.objective.fallback": "Một mục tiêu và các kết quả chính của nó",
    "error.card_expired_gone": (
        "Thẻ này không còn hiệu lực: nội dung trong thẻ đã bị xóa hoặc đã thay đổi. Gõ "
        "**okr của tôi** hoặc **okr của nhóm** để xem OKR hiện tại."
    ),
    "error.changed_meanwhile": (
        "Có người đã thay đổi mục này trong lúc bạn đang sửa. Đây là phiên bản hiện tại; "
        "vui lòng thực hiện lại thay đổi của bạn."
    ),
    "form.period.this_quarter": "Quý này: {period}",
    "form.period.next_quarter": "Quý sau: {period}",
    "form.period.this_year": "Năm nay: {period}",
    "form.period.next_year": "Năm sau: {period}",
    "kpi.saved": (
        "Đã lưu KPI “{title}”. Bản tổng hợp của nhóm sẽ cho biết KPI có đạt ngưỡng hay không."
    ),
    "list.my_okrs.title": "OKR của bạn",
    "list.my_okrs.empty": (
        "Bạn chưa phụ trách mục tiêu hay kết quả chính nào đang thực hiện. Gõ **tạo mới** để "
        "tạo, hoặc **mẫu** để bắt đầu từ một ví dụ."
    ),
    "list.team_okrs.title": "OKR của nhóm",
    "list.team_okrs.empty": "Nhóm chưa có mục tiêu nào đang thực hiện. Gõ **tạo mới** để tạo.",
    "list.show_more": "Xem thêm",
    "okr.values": "{start} → {target} · hiện tại {current}",
    "permission.assign_owner": (
        "Chỉ chủ sở hữu nhóm mới có thể giao cho người khác phụ trách. Hãy chọn chính bạn, "
        "hoặc nhờ một chủ sở hữu nhóm."
    ),
    "status.usage": "Bạn muốn xem mục tiêu nào? Gõ **trạng thái** kèm (một phần) tên mục tiêu.",
    "status.not_found": (
        "Không tìm thấy mục tiêu nào tên “{query}”. Gõ **okr của nhóm** để xem tất cả."
    ),
    "status.several": "Có nhiều mục tiêu khớp với “{query}”:",
    # --- Check-ins, reminders, summaries (cards/checkin.py, bot/checkin.py) -------
    "checkin.title": "Đến giờ cập nhật OKR của bạn",
    "checkin.reminder_title": "Nhắc nhở: bạn chưa cập nhật OKR",
    "checkin.intro": (
        "Sửa những gì đã thay đổi từ lần trước (giá trị, tình trạng, ghi chú), phần còn lại "
        "giữ nguyên. (Cần cập nhật: {count})"
    ),
    "checkin.now_to_target": "{current} → {target}",
    "checkin.due": "hạn {date}",
    "checkin.pace_hint": "Nhịp độ: {pace}",
    "checkin.add_note": "Thêm ghi chú",
    "summary.nudge": "Nhắc họ",
    "summary.nudge.sent": (
        "Tôi sẽ gửi thêm một lời nhắc cho những người còn thiếu trong vòng một phút. "
        "Mỗi đợt chỉ một lần."
    ),
    "summary.nudge.already": "Đợt này đã nhắc họ rồi: mỗi đợt chỉ nhắc thêm một lần.",
    "summary.nudge.not_owner": "Chỉ chủ sở hữu nhóm mới có thể nhắc các thành viên.",
    "checkin.later": "Nhắc tôi sau",
    "checkin.later.hint": (
        "Thẻ này sẽ được gửi lại một lần vào lúc bạn chọn; đó là lời nhắc của đợt này."
    ),
    "checkin.later.in_one_hour": "Sau 1 giờ",
    "checkin.later.in_three_hours": "Sau 3 giờ",
    "checkin.later.tomorrow_morning": "9:00 sáng mai",
    "checkin.later.title": "Đã dời lịch cập nhật",
    "checkin.later.set": "Được, tôi sẽ gửi lại thẻ cập nhật này vào {at} (giờ của bạn).",
    "checkin.later.unavailable": (
        "Chỉ có thể dời thẻ cập nhật định kỳ của chính bạn. Gõ **cập nhật** để nhận thẻ ngay."
    ),
    "checkin.later.already": (
        "Tôi đã nhắc bạn trong đợt này rồi nên thẻ được giữ nguyên. Bạn gửi khi tiện nhé."
    ),
    "checkin.no_change": "Không đổi, vẫn đúng tiến độ",
    "checkin.no_change_since": "Không đổi so với lần trước",
    "checkin.kept_first": (
        "Thẻ này đã được gửi vào {at} và câu trả lời đầu tiên được giữ lại. Gõ **cập nhật** để "
        "nhận thẻ mới nếu muốn thay đổi."
    ),
    "checkin.submit": "Gửi cập nhật",
    "checkin.recorded_title": "Đã ghi nhận cập nhật",
    "checkin.correct": "Sửa lại",
    "checkin.correct.below": "Thẻ để sửa lại nằm ở tin nhắn ngay bên dưới.",
    "checkin.correct.title": "Sửa cập nhật của bạn",
    "checkin.correct.closed": (
        "Đợt cập nhật này đã kết thúc (hoặc mục tiêu đã kết thúc) nên không sửa được nữa. "
        "Bạn hãy nhập giá trị mới ở lần cập nhật sau."
    ),
    "checkin.correct.since": (
        "Cập nhật này đã được sửa sau đó. Hãy bấm “Sửa lại” trên bản ghi nhận mới nhất, "
        "hoặc gõ **cập nhật**."
    ),
    "checkin.correct.nothing": (
        "Không có gì khác so với bản đã ghi nhận: hãy sửa giá trị, tình trạng hoặc ghi chú."
    ),
    "checkin.done.heading": "Đã cập nhật trong đợt này",
    "checkin.done.title": "Bạn đã cập nhật đầy đủ",
    "checkin.done.intro": (
        "Tất cả kết quả chính đều đã được cập nhật trong đợt này. Muốn đổi câu trả lời, "
        "hãy bấm “Sửa lại”."
    ),
    "checkin.recorded_at": "Đã gửi vào {at}. Cảm ơn bạn!",
    "checkin.skipped": "{count} kết quả chính không thay đổi.",
    "checkin.skipped.one": "{count} kết quả chính không thay đổi.",
    "checkin.to_close": (
        "{count} mục tiêu của kỳ đã qua không còn được hỏi cập nhật: các mục tiêu này đang "
        "chờ kết thúc."
    ),
    "checkin.to_close.one": (
        "{count} mục tiêu của kỳ đã qua không còn được hỏi cập nhật: mục tiêu này đang chờ "
        "kết thúc."
    ),
    "checkin.to_close.open": "Kết thúc kỳ",
    "checkin.to_close.title": "Không có gì cần cập nhật",
    "checkin.nothing": (
        "Bạn không có kết quả chính nào trong các mục tiêu đang thực hiện để cập nhật. Gõ "
        "**okr của tôi** để xem OKR của bạn."
    ),
    "checkin.nothing_entered": (
        "Chưa có gì thay đổi: hãy sửa giá trị hoặc tình trạng, thêm ghi chú, "
        "hoặc bấm nút “Không đổi”."
    ),
    "checkin.card_outdated": (
        "Thẻ cập nhật này không còn hiệu lực (một kết quả chính đã bị xóa). Gõ **cập nhật** để "
        "nhận thẻ mới."
    ),
    "checkin.notification": "Đến giờ cập nhật OKR: {count} kết quả chính cần cập nhật.",
    "checkin.notification.one": "Đến giờ cập nhật OKR: {count} kết quả chính cần cập nhật.",
    "checkin.reminder_notification": "Nhắc nhở: còn {count} kết quả chính chờ bạn cập nhật.",
    "checkin.reminder_notification.one": "Nhắc nhở: còn {count} kết quả chính chờ bạn cập nhật.",
    "summary.title": "Các cập nhật còn thiếu trong {team}",
    "summary.round": "Đợt cập nhật ngày {round}",
    "summary.everyone": "Mọi người đều đã cập nhật. 🎉",
    "summary.unreachable": "Không thể liên lạc với người này (ứng dụng bị chặn hoặc chưa cài đặt)",
    "summary.count": "{done}/{total} người đã cập nhật",
    # --- Settings (cards/settings.py, bot/team_settings.py) -------------------------
    "settings.team.title": "Cài đặt cập nhật tiến độ của {team}",
    "settings.team.hint": (
        "Các cài đặt này áp dụng cho cả nhóm. Thẻ cập nhật được gửi vào giờ này theo múi giờ "
        "riêng của từng người."
    ),
    "settings.personal.title": "Cài đặt của bạn",
    "settings.personal.hint": "Các cài đặt này chỉ áp dụng cho riêng bạn.",
    "settings.field.cadence": "Tần suất",
    "settings.cadence.weekly": "Hằng tuần",
    "settings.cadence.biweekly": "2 tuần một lần",
    "settings.cadence.triweekly": "3 tuần một lần",
    "settings.cadence.monthly": "Hằng tháng",
    "settings.cadence.monthly_hint": (
        "“Hằng tháng” nghĩa là vào ngày trong tuần đã chọn đầu tiên của mỗi tháng, "
        "ví dụ Thứ Hai đầu tiên."
    ),
    "settings.field.weekday": "Ngày",
    "settings.field.time_of_day": "Giờ (theo giờ riêng của từng người)",
    "settings.field.time_zone": "Múi giờ của nhóm",
    "settings.time_zone.hint": "Dùng cho những người mà Teams chưa cho tôi biết múi giờ.",
    "settings.field.skip_days": (
        "Không nhắc người phụ trách đã cập nhật trong … ngày gần đây (0–14)"
    ),
    "settings.field.reminder_hours": "Nhắc lại sau … giờ nếu chưa cập nhật (1–168)",
    "settings.field.digest_channel": "Kênh nhận bản tổng hợp",
    "settings.field.digest_enabled": "Đăng bản tổng hợp hằng tuần vào kênh của nhóm",
    "settings.field.team_language": "Ngôn ngữ của nhóm (bản tổng hợp và báo cáo trong kênh)",
    "settings.team_language.hint": "Kênh là nơi dùng chung, nên cả nhóm dùng một ngôn ngữ.",
    "settings.problem.team_language": "Hãy chọn English hoặc Tiếng Việt.",
    "settings.field.digest_weekday": "Ngày gửi bản tổng hợp",
    "settings.field.digest_time": "Giờ gửi bản tổng hợp (theo múi giờ của nhóm)",
    "settings.digest.hint": (
        "Bản tổng hợp được đăng mỗi tuần vào ngày và giờ này, theo múi giờ của nhóm. "
        "Gõ **tổng hợp** để xem tiến độ của nhóm ngay bây giờ."
    ),
    "settings.channel.general": "Chung",
    "settings.this_team": "nhóm này",
    "settings.saved": "Đã lưu.",
    "settings.next_round": (
        "Đợt cập nhật tiếp theo: {when} ({zone}). Ai phụ trách kết quả chính sẽ nhận thẻ vào "
        "giờ đó, theo múi giờ của mình."
    ),
    "settings.first_round_new_rhythm": (
        "Đợt cập nhật đầu tiên theo lịch mới vào {when} ({zone}), sau {count} tuần nữa."
    ),
    "settings.first_round_new_rhythm.days": (
        "Đợt cập nhật đầu tiên theo lịch mới vào {when} ({zone}), sau {count} ngày nữa."
    ),
    "settings.digest_focus": "Chọn kênh, ngày và giờ nhận bản tổng hợp ở cuối thẻ này.",
    "settings.next_checkin": "Lần cập nhật tiếp theo của bạn: {when} (giờ của bạn).",
    "settings.no_key_results_note": (
        "Bạn chưa phụ trách kết quả chính nào nên chưa có lịch cập nhật tiến độ. "
        "Hãy tạo một kết quả chính bằng lệnh **tạo mới**, hoặc nhờ trưởng nhóm giao cho bạn."
    ),
    "settings.prompts_paused_note": "Bạn đang tạm dừng lời nhắc cập nhật tiến độ.",
    "settings.changed_meanwhile": (
        "Một chủ sở hữu khác đã thay đổi các cài đặt này trong lúc bạn đang sửa. Đây là cài đặt "
        "hiện tại; vui lòng thực hiện lại thay đổi của bạn."
    ),
    "settings.card_expired": "Thẻ cài đặt này không còn hiệu lực. Gõ **cài đặt** để nhận thẻ mới.",
    "settings.not_owner": (
        "Chỉ chủ sở hữu của {team} mới có thể thay đổi lịch cập nhật và bản tổng hợp của nhóm. "
        "Dưới đây là cài đặt cá nhân của bạn."
    ),
    "settings.not_owner_save": "Chỉ chủ sở hữu của {team} mới có thể thay đổi cài đặt này.",
    "settings.more_teams": (
        "Bạn còn là chủ sở hữu của {count} nhóm khác. Gõ **cài đặt** trong kênh của nhóm đó "
        "để thay đổi."
    ),
    "settings.more_teams.one": (
        "Bạn còn là chủ sở hữu của {count} nhóm khác. Gõ **cài đặt** trong kênh của nhóm đó để "
        "thay đổi."
    ),
    "settings.someone_elses": (
        "Đây là cài đặt của người khác. Gõ **cài đặt** để thay đổi cài đặt của bạn."
    ),
    "settings.field.prompts_paused": "Tạm dừng lời nhắc cập nhật tiến độ của tôi",
    "settings.prompts_paused.hint": (
        "Khi tạm dừng, tôi sẽ không gửi thẻ cập nhật hay lời nhắc cho bạn. Bạn vẫn có thể gõ "
        "**cập nhật** bất cứ lúc nào."
    ),
    "settings.field.language": "Ngôn ngữ",
    "settings.field.my_time_zone": "Múi giờ của tôi",
    "settings.my_time_zone.none": "Chưa đặt (dùng múi giờ của nhóm)",
    "settings.problem.time": "Hãy nhập giờ theo dạng HH:MM, ví dụ 09:00.",
    "settings.problem.range": "Hãy chọn một số nguyên từ {min} đến {max}.",
    "settings.problem.time_zone": "Hãy chọn một múi giờ trong danh sách.",
    "settings.problem.channel": "Hãy chọn một kênh của nhóm này.",
    "settings.pending.title": "Người phụ trách tôi chưa gặp",
    "settings.pending.hint": (
        "Một lần nhập OKR đã giao mục tiêu hoặc kết quả chính trong nhóm này cho những người "
        "sau. Mỗi người sẽ trở thành người phụ trách ngay khi tôi gặp họ: khi tôi được thêm "
        "vào một nhóm có họ, hoặc khi họ nhắn tin cho tôi."
    ),
    "settings.pending.objectives": "{count} mục tiêu",
    "settings.pending.objectives.one": "{count} mục tiêu",
    "settings.pending.key_results": "{count} kết quả chính",
    "settings.pending.key_results.one": "{count} kết quả chính",
    "settings.pending.line": "{email} sẽ phụ trách {owns}",
    "settings.pending.more": "…và một số người khác không hiển thị ở đây.",
    # --- Digest and close on demand (bot/reports.py) ---------------------------------
    "digest.week": "Tuần {week}/{weeks} · {period}",
    "digest.personal_title": "Tiến độ của bạn",
    "digest.empty": "Nhóm chưa có mục tiêu nào đang thực hiện trong kỳ này.",
    "digest.personal_empty": (
        "Bạn chưa có mục tiêu nào đang thực hiện trong kỳ này. Gõ **tạo mới** để tạo."
    ),
    "digest.first": "Bản tổng hợp đầu tiên: thay đổi sẽ hiện từ bản sau.",
    "digest.change": "{points} so với bản tổng hợp trước",
    "digest.points": "{sign}{count} điểm",
    "digest.points.one": "{sign}{count} điểm",
    "digest.points_fraction": "{sign}{points} điểm",
    "digest.no_change": "không đổi",
    "digest.no_key_results": (
        "Chưa có kết quả chính: tiến độ sẽ hiện khi các mục tiêu có kết quả chính."
    ),
    "digest.overall_label": "Tổng thể",
    "digest.overall_line": "Tổng thể: {progress}",
    "digest.plan": "kế hoạch đến nay {expected}",
    "digest.plan_label": "Kế hoạch",
    "digest.participation": "Cập nhật",
    "digest.no_round": "Kỳ này chưa có đợt cập nhật nào.",
    "digest.not_yet": "Chưa cập nhật: {names}",
    "digest.more_people": "{count} người khác",
    "digest.not_updated": "Chưa cập nhật",
    "digest.mix": "Kết quả chính ({count})",
    "digest.objectives": "Mục tiêu ({count})",
    "digest.more_objectives": "…và {count} mục tiêu khác",
    "digest.more_objectives.one": "…và {count} mục tiêu khác",
    "digest.more_key_results": "…và {count} kết quả chính khác",
    "digest.more_key_results.one": "…và {count} kết quả chính khác",
    "digest.more_kpis": "…và {count} KPI khác",
    "digest.more_kpis.one": "…và {count} KPI khác",
    "digest.movers": "Thay đổi lớn nhất so với bản tổng hợp trước",
    "digest.stale": "Lâu chưa cập nhật",
    "digest.rounds_missed": "chưa cập nhật {count} đợt",
    "digest.rounds_missed.one": "chưa cập nhật {count} đợt",
    "digest.kpis_unhealthy": "KPI cần chú ý",
    "digest.trend": "Xu hướng",
    "digest.see_all": "Xem tất cả",
    "digest.checkin_now": "Cập nhật ngay",
    "digest.team_okrs": "OKR của nhóm",
    "digest.week_short": "T{week}",
    "digest.trend_points": "{overall} ({plan}): {points}",
    "digest.checkin_below": "Thẻ cập nhật của bạn ở tin nhắn ngay bên dưới.",
    "digest.nobody_asked": "Đợt này chưa ai được nhắc cập nhật.",
    "digest.kpis_fine": "Không có KPI nào cần chú ý.",
    "digest.notification": "{team}: tiến độ tuần này",
    "digest.title": "Tiến độ của nhóm",
    "digest.at_risk": "Có rủi ro hoặc trễ tiến độ",
    "digest.nothing_at_risk": "Không có kết quả chính nào được đánh dấu có rủi ro hay trễ tiến độ.",
    "period_report.title": "{period} đã kết thúc: {team}",
    "period_report.intro": (
        "Mọi mục tiêu của {period} đã kết thúc. Điểm từ 0,0 đến 1,0; "
        "dưới mỗi mục tiêu là bài học rút ra."
    ),
    "period_report.average.committed": "Cam kết (dự kiến đạt 1,0)",
    "period_report.average.aspirational": "Truyền cảm hứng (đạt 0,7 là kết quả tốt)",
    "period_report.average_value": "Trung bình {score} trên {count} mục tiêu đã chấm điểm",
    "period_report.average_value.one": "Trung bình {score} trên {count} mục tiêu đã chấm điểm",
    "period_report.chart_title": "Điểm của từng mục tiêu",
    "period_report.no_score": "Đã kết thúc, chưa chấm điểm",
    "period_report.no_note": "Chưa ghi bài học rút ra.",
    "period_report.more": (
        "… và {count} mục tiêu khác, được lược bớt cho thẻ gọn: điểm trung bình ở trên đã "
        "tính tất cả."
    ),
    "period_report.more.one": (
        "… và {count} mục tiêu khác, được lược bớt cho thẻ gọn: điểm trung bình ở trên đã "
        "tính cả mục tiêu này."
    ),
    # --- Editing initiatives and KPIs ---------------------------------------------
    "form.initiative.edit": "Sửa sáng kiến",
    "form.kpi.edit": "Cập nhật KPI",
    "permission.kpi": "Chỉ người phụ trách KPI hoặc chủ sở hữu nhóm mới có thể thay đổi KPI này.",
    "action.new_objective": "Mục tiêu mới",
    "action.add_kpi": "Thêm KPI",
    "action.update": "Cập nhật",
    "checkin.in_personal_chat": (
        "Thẻ cập nhật chỉ gửi trong trò chuyện riêng: hãy mở trò chuyện riêng với tôi (từ ảnh "
        "đại diện của tôi) và gõ **cập nhật**, tôi sẽ gửi thẻ ở đó."
    ),
    # --- The period close (bot/closing.py, cards/closing.py) ------------------------
    "closing.title": "Kết thúc kỳ",
    "closing.title_team": "Kết thúc kỳ: {team}",
    "closing.intro": (
        "Chấm điểm từng kết quả chính từ 0,0 đến 1,0 (gợi ý theo tiến độ), ghi lại bài học, "
        "và chuyển các kết quả chính chưa hoàn thành sang kỳ sau nếu vẫn cần. Mục tiêu đã kết "
        "thúc chỉ còn để xem và không còn được hỏi cập nhật."
    ),
    "closing.notification": "Đến lúc kết thúc kỳ {period}: {count} mục tiêu cần kết thúc",
    "closing.kr_score": "Điểm",
    "closing.objective_score": "Điểm của mục tiêu",
    "closing.carry_over": "Chuyển sang {period}",
    "closing.note": "Bài học rút ra",
    "closing.note_placeholder": "Điều gì hiệu quả, điều gì cản trở, lần sau sẽ làm khác thế nào",
    "closing.submit": "Kết thúc mục tiêu",
    "closing.more": (
        "Còn {count} mục tiêu của kỳ này chưa có trên thẻ: gõ **kết thúc kỳ** sau khi kết"
        " thúc các mục tiêu này."
    ),
    "closing.warning.aim_higher": (
        "Mục tiêu truyền cảm hứng đạt trên 0,8: mục tiêu vươn xa vẫn trong tầm tay. Lần "
        "sau hãy đặt cao hơn."
    ),
    "closing.warning.what_blocked": (
        "Mục tiêu cam kết dưới 1,0: điều gì đã cản trở? Hãy ghi vào phần bài học."
    ),
    "closing.warning.too_many_key_results": (
        "{count} kết quả chính: 3 đến 5 kết quả chính giúp mục tiêu tập trung hơn."
    ),
    "closing.warning.never_checked_in": "“{key_result}” chưa từng được cập nhật.",
    "closing.problem.score": "Hãy chọn điểm từ 0,0 đến 1,0.",
    "closing.problem.note": "Bài học tối đa {max} ký tự.",
    "closing.problem.no_score": (
        "Hãy chọn điểm cho mục tiêu này: mục tiêu chưa có kết quả chính để gợi ý điểm."
    ),
    "closing.problem.not_unfinished": "Chỉ chuyển được các kết quả chính chưa hoàn thành.",
    "closing.recorded": "Đã kết thúc",
    "closing.kept_first": (
        "Các mục tiêu này đã được kết thúc trước đó; lần kết thúc đầu tiên được giữ nguyên."
    ),
    "closing.note_recorded": "Bài học rút ra: {note}",
    "closing.carried": "Đã chuyển {count} kết quả chính sang {period} dưới dạng bản nháp.",
    "closing.closed_by": "{name} đã kết thúc vào {when}",
    "closing.reopened_by": "{name} đã mở lại vào {when}",
    "closing.reopen": "Mở lại",
    "closing.reopened": "Đã mở lại: {title} được thực hiện tiếp và việc cập nhật tiếp tục.",
    "closing.nothing": (
        "Không có mục tiêu nào cần kết thúc: không còn mục tiêu nào của kỳ này đang thực hiện."
    ),
    "closing.nothing_team": (
        "Không có mục tiêu nào của {team} cần kết thúc: các kỳ sắp hoặc đã kết thúc đều đã xong."
    ),
    "closing.read_only": (
        "Mục tiêu này đã kết thúc nên chỉ còn để xem. Chủ sở hữu nhóm có thể mở lại."
    ),
    "closing.not_allowed": (
        "Bạn chỉ có thể kết thúc mục tiêu của mình, hoặc của nhóm bạn sở hữu. Chưa có gì "
        "được kết thúc."
    ),
    "closing.reopen_not_allowed": "Chỉ chủ sở hữu nhóm của mục tiêu mới có thể mở lại mục tiêu.",
    "closing.not_closed": "Mục tiêu này chưa kết thúc.",
    "closing.unknown_team": (
        "Tôi không biết nhóm nào tên “{team}”. Hãy gõ **kết thúc kỳ** trong kênh của nhóm."
    ),
    "closing.not_team_owner": (
        "Chỉ chủ sở hữu {team} mới có thể kết thúc mục tiêu thay người khác. Đây là các "
        "mục tiêu của bạn."
    ),
    # --- Teams tab (tab/): errors, charts and the words the API writes --------------
    "tab.error.no_token": "Teams chưa cho biết bạn là ai. Hãy đóng tab rồi mở lại.",
    "tab.error.invalid_token": (
        "Không kiểm tra được thông tin đăng nhập của bạn. Hãy đóng tab rồi mở lại."
    ),
    "tab.error.expired": "Phiên đăng nhập đã hết hạn. Hãy tải lại tab để đăng nhập lại.",
    "tab.error.wrong_audience": (
        "Thông tin đăng nhập này dành cho một ứng dụng khác. Hãy nhờ người cài ứng dụng OKR "
        "kiểm tra phần đăng nhập một lần (SSO)."
    ),
    "tab.error.wrong_tenant": "Ứng dụng OKR này không phục vụ tổ chức của bạn.",
    "tab.error.unknown_member": (
        "Bot OKR chưa biết bạn. Hãy nhắn cho bot một câu chào, rồi tải lại tab."
    ),
    "tab.error.sign_in_unavailable": (
        "Hiện chưa kiểm tra được thông tin đăng nhập. Hãy thử lại sau một phút."
    ),
    "tab.error.not_found": "Không tìm thấy mục này. Có thể nó đã bị xóa.",
    "tab.error.bad_request": "Đường dẫn này có bộ lọc mà tab không hiểu.",
    "tab.error.dev_only": "Đăng nhập thử chỉ dùng được ở chế độ cục bộ, trên chính máy này.",
    "tab.error.server_error": "Có lỗi ở phía chúng tôi. Hãy thử lại sau giây lát.",
    "tab.chart.title": "Diễn biến của {title}",
    "tab.progress.none": "Chưa có kết quả chính",
    "tab.checkin.never": "Chưa cập nhật lần nào",
    "tab.period.running": "Đang diễn ra",
    "tab.participation": "{answered}/{expected} người đã cập nhật trong đợt này",
    "tab.status.none": "Chưa có trạng thái",
    "tab.person.unknown": "Người bot chưa biết",
    # --- The Teams tab: the page (tab/static/js; sent as the session's strings) ------
    "tab.nav.label": "Chế độ xem",
    "tab.nav.my": "OKR của tôi",
    "tab.nav.team": "Nhóm",
    "tab.nav.alignment": "Liên kết",
    "tab.filters.label": "Bộ lọc",
    "tab.filter.period": "Kỳ",
    "tab.filter.team": "Nhóm",
    "tab.filter.owner": "Người phụ trách",
    "tab.filter.status": "Tình trạng",
    "tab.filter.search": "Tìm kiếm",
    "tab.filter.any": "Tất cả",
    "tab.filter.clear": "Bỏ lọc",
    "tab.status.on_track": "Đúng tiến độ",
    "tab.status.at_risk": "Có rủi ro",
    "tab.status.off_track": "Trễ tiến độ",
    "tab.objective.owner": "Người phụ trách: {name}",
    "tab.objective.key_results": "Kết quả chính",
    "tab.kr.last_checkin": "Cập nhật gần nhất: {when}",
    "tab.kr.last_note": "Ghi chú mới nhất",
    "tab.team.choose": "Chọn một nhóm để xem OKR của nhóm.",
    "tab.team.participation": "Cập nhật tiến độ của đợt này",
    "tab.team.missing": "Chưa trả lời",
    "tab.team.at_risk": "Có rủi ro",
    "tab.team.nothing_at_risk": "Hiện không có gì gặp rủi ro.",
    "tab.empty.my": "Bạn chưa có mục tiêu hay kết quả chính nào trong kỳ này.",
    "tab.empty.team": "Nhóm chưa có mục tiêu nào trong kỳ này.",
    "tab.empty.filtered": "Không có gì khớp với bộ lọc này.",
    "tab.list.more": "Xem thêm (đã hiện {shown}/{total})",
    "tab.alignment.label": "Các mục tiêu liên kết với nhau: công ty, nhóm, cá nhân",
    "tab.alignment.help": (
        "Phím mũi tên để di chuyển và mở hoặc đóng một nhánh, phím cách để mở hoặc đóng, "
        "Enter để mở mục tiêu."
    ),
    "tab.detail.back": "Quay lại",
    "tab.detail.objective": "Mục tiêu",
    "tab.detail.measured_by": "Đo bằng",
    "tab.detail.through": "Thông qua",
    "tab.detail.initiatives": "Sáng kiến",
    "tab.detail.no_initiatives": "Chưa có sáng kiến nào.",
    "tab.detail.notes": "Ghi chú khi cập nhật tiến độ",
    "tab.detail.no_notes": "Chưa có ghi chú nào.",
    "tab.detail.closed": "Đã kết thúc",
    "tab.detail.score": "Điểm: {score}",
    "tab.detail.closing_note": "Ghi chú khi kết thúc",
    "tab.action.check_in": "Cập nhật tiến độ",
    "tab.loading": "Đang tải…",
    "tab.error.title": "Không hiển thị được OKR",
    "tab.error.network": "Ứng dụng OKR không phản hồi. Hãy kiểm tra kết nối rồi thử lại.",
    "tab.error.retry": "Thử lại",
    "tab.dev.title": "Đăng nhập (chế độ cục bộ)",
    "tab.dev.intro": "Ngoài Teams, hãy chọn một thành viên đã lưu để xem tab như họ thấy.",
    "tab.dev.none": "Chưa có thành viên nào được lưu: hãy trò chuyện với bot trước.",
    "tab.config.title": "Tab này hiển thị OKR của nhóm nào?",
    "tab.config.none": "Bạn chưa ở trong nhóm nào mà bot biết.",
}
