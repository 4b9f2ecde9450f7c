"""English strings of the bot.

To add a string: add the key here and in ``vi.py`` with the same ``{placeholders}``
(the catalog tests fail otherwise). Keys are ``area.item[.detail]``, lower snake
case. Text may use Teams markdown (``**bold**``); placeholders are filled with
``str.format``, so a literal brace is written ``{{`` or ``}}``.
"""

STRINGS: dict[str, str] = {
    # --- Welcome and help -------------------------------------------------------
    "greeting.hello": "Hi {name}! Here is what I can do for you right now:",
    "greeting.hello_anonymous": "Hi! Here is what I can do for you right now:",
    "welcome.title": "Hi, I'm the OKR check-in bot",
    "welcome.body": (
        "I help your team run its OKRs right here in Teams: objectives, key results, "
        "initiatives and regular check-ins, visible to everyone. Type **new** to create "
        "an objective, **templates** to start from an example, or **help** for every command."
    ),
    "welcome.personal": (
        "Hi {name}! I'll ask you for a check-in on your key results on your team's schedule. "
        "Type **help** to see what else I can do."
    ),
    "welcome.team_zone": "Team time zone: **{zone}** (owners can change it in **settings**).",
    "welcome.first_round": (
        "**What to expect:** the first check-in round is on {when} ({zone}). Everyone who owns "
        "key results gets a card then, at that time in their own time zone."
    ),
    "welcome.your_first_checkin": (
        "**What to expect:** your first check-in comes on {when} (your time, {zone}), "
        "for the key results you own."
    ),
    "welcome.before_then": (
        "Before then: create your objectives and key results, start from a template, or ask "
        "your team lead which key results are yours."
    ),
    "owner_welcome.title": "{team} is ready for OKR check-ins",
    "owner_welcome.intro": (
        "You own {team}, so here are three steps to get it going. The team time zone is "
        "**{zone}**; the first check-in round is on {when}."
    ),
    "owner_welcome.schedule.title": "Step 1: Set the check-in schedule",
    "owner_welcome.schedule.body": "How often, which day and what time people are asked.",
    "owner_welcome.schedule.button": "Set the schedule",
    "owner_welcome.digest.title": "Step 2: Choose the digest channel",
    "owner_welcome.digest.body": "Where the team's progress is posted.",
    "owner_welcome.digest.button": "Choose the channel",
    "owner_welcome.objectives.title": "Step 3: Create or import the first objectives",
    "owner_welcome.objectives.body": (
        "Start from scratch or from a template. To import many at once, the person who runs "
        "the bot can load a CSV file with **python app.py import** (see docs/csv.md)."
    ),
    "help.title": "What I can do",
    "help.intro": "Type one of these commands, in English or Vietnamese:",
    "help.line": "**{usage}**: {description}",
    "command.running": "**{usage}**: here it comes.",
    "help.channel_hint": "In a channel, mention me first: **@{bot_name} help**.",
    "message.only_mention": "Hi! Type **help** to see what I can do.",
    # --- Shared conversations: answers for one person go to their personal chat ---
    "form.sent_below": "Here is the form, in the next message.",
    "shared.sent_to_chat": "Sent to your chat with me.",
    "shared.command_sent": "That answer is for you only: I sent it to your chat with me.",
    "shared.chat_unreachable": (
        "I couldn't open a chat with you. Open it yourself: in Teams, go to **Apps**, find "
        "**{app}** and select **Open**, say hi, then try again."
    ),
    # --- Commands: usage (as typed) and one-line description --------------------
    "command.help.usage": "help",
    "command.help.description": "show this list of commands",
    "command.new.usage": "new",
    "command.new.description": "create an objective with its key results",
    "command.my_okrs.usage": "my okrs",
    "command.my_okrs.description": "the objectives and key results you own",
    "command.team_okrs.usage": "team okrs",
    "command.team_okrs.description": "this team's objectives and their progress",
    "command.status.usage": "status <objective>",
    "command.status.description": "the progress of one objective",
    "command.checkin.usage": "checkin",
    "command.checkin.description": "update your key results now",
    "command.digest.usage": "digest",
    "command.digest.description": "the team's progress summary",
    "command.settings.usage": "settings",
    "command.settings.description": "the team's check-in schedule and reminders (team owners)",
    "command.close.usage": "close",
    "command.close.description": (
        "close an ended period: scores, what you learned, carry over (team owners: the team's)"
    ),
    "command.templates.usage": "templates",
    "command.templates.description": "start an objective from one of six examples",
    "command.language.usage": "language en|vi",
    "command.language.description": "talk to me in English (en) or Vietnamese (vi)",
    "command.unknown": "Sorry, I don't know the command “{text}”.",
    "command.did_you_mean": "Did you mean {suggestions}?",
    "command.see_help": "Type **help** to see every command.",
    "command.coming_soon": "“{command}” is not available yet.",
    # --- Language -----------------------------------------------------------------
    "language.changed": "Switched to English.",
    "language.unknown": (
        "I speak English and Vietnamese. Type **language en** or **language vi**."
    ),
    "language.name.en": "English",
    "language.name.vi": "Vietnamese",
    # --- Errors and permissions -------------------------------------------------
    "error.internal": "Sorry, something went wrong on my side. Please try again in a moment.",
    "error.card_expired": "This card is out of date. Here is the current version.",
    "error.not_this_app": (
        "This card or action is not from this app, or from a version of it that is gone. "
        "Type **help** to see what I can do."
    ),
    "error.storage_unavailable": (
        "My storage isn't answering just now, so I can't tell whether that went through. "
        "Please try again in a moment."
    ),
    "checkin.storage_unavailable": (
        "My storage isn't answering, so I can't confirm your check-in was saved. Your values "
        "are still on the card: press **Send check-in** again in a moment, and it is "
        "recorded once."
    ),
    "permission.objective": (
        "Only the objective's owner or a team owner can change this objective."
    ),
    "permission.key_result": (
        "Only the key result's owner, the objective's owner or a team owner "
        "can change this key result."
    ),
    "permission.team_owner": "Only the team's owners can change this.",
    "permission.read_only_hint": "Everyone can see the OKRs; changes are up to their owners.",
    # --- Validation of authoring forms --------------------------------------------
    "validation.required": "This field is required.",
    "validation.too_long": "Too long: keep it to {max} characters.",
    "validation.target_equals_start": (
        "The target must differ from the start value, or progress cannot be measured."
    ),
    "validation.date_outside_period": "Choose a date between {start} and {end}.",
    "validation.not_a_number": "“{value}” is not a number.",
    "validation.other_currency": (
        "This key result is counted in {expected}, and “{value}” is another currency: "
        "type the amount in {expected}."
    ),
    "validation.not_money": (
        "This key result is not an amount of money: type “{value}” without the currency."
    ),
    "validation.not_percent": "This key result is not a percentage: type the number without %.",
    "validation.number_malformed": (
        "“{value}” is not a well-formed number. Write it like 12,000,000 or 12.5."
    ),
    "validation.number_ambiguous": (
        "“{value}” could be read two ways. Write whole numbers without separators "
        "(12000) and use a point for decimals (12.5)."
    ),
    "validation.number_too_long": "“{value}” has too many digits (at most 15).",
    "validation.duration_malformed": (
        "“{value}” is not a duration. Write minutes:seconds (2:37) or hours:minutes:seconds "
        "(1:02:03)."
    ),
    "validation.unknown_owner": "Pick the owner from the team's members.",
    "validation.currency_required": "Choose a currency for a money key result.",
    "validation.unknown_currency": "“{value}” is not a currency code (e.g. USD, VND, EUR).",
    "validation.invalid_choice": "Choose one of the options.",
    "validation.not_a_date": "Choose a date.",
    "validation.period_dates_required": "Choose both the first and the last day of the period.",
    "validation.end_before_start": "The last day must not be before the first day.",
    "validation.unknown_parent": "That objective no longer exists. Choose another one.",
    "validation.parent_cycle": (
        "This objective cannot align to that one: the alignment would run in a circle."
    ),
    "validation.percentage_out_of_range": "A percentage must be between -1,000 and 1,000.",
    "validation.negative_duration": "A duration cannot be negative.",
    # --- Authoring forms --------------------------------------------------------------
    "form.fix_problems": "Please fix the fields marked below.",
    # Issue 15 (forms without dead ends): what to enter, where the first problem is.
    "form.required.objective_title": "Enter the objective's title.",
    "form.required.key_result_title": "Enter the key result's title.",
    "form.required.initiative_title": "Enter the initiative's title.",
    "form.required.kpi_title": "Enter the KPI's name.",
    "form.fix_first": "Check “{field}”: {problem}",
    "form.fix_first_of_many": "Check “{field}”: {problem} ({count} fields to fix, marked below.)",
    "form.nothing_changed": "Nothing was changed.",
    "form.not_yours": "Someone else opened this card; nothing was changed.",
    "form.template.title": "New objective from the “{template}” example",
    "form.template.key_results": "Key results it will create",
    "form.template.key_results_hint": "Choose who owns each one; you can change them later.",
    "action.edit_objective": "Edit objective",
    "action.edit_named": "Edit “{title}”",
    "action.edit_key_result_tip": "Edit key result “{title}”",
    "action.edit_initiative_tip": "Edit initiative “{title}”",
    "form.objective.new": "New objective",
    "form.objective.edit": "Edit objective",
    "form.objective.hint": (
        "An objective is an inspiring, qualitative goal. Measure it with 3 to 5 key results."
    ),
    "form.objective.title_placeholder": "e.g. Improve the marketing funnel",
    "form.objective.type_hint": (
        "Committed: expected to be fully achieved. Aspirational: a stretch, 0.7 is a good result."
    ),
    "form.period.custom": "Custom dates",
    "form.period.start": "First day",
    "form.period.end": "Last day",
    "form.parent.none": "None",
    "form.key_result.new": "New key result",
    "form.key_result.edit": "Edit key result",
    "form.key_result.for": "For the objective “{objective}”",
    "form.key_result.hint": (
        "A key result is measurable and has one owner responsible for tracking its progress."
    ),
    "form.key_result.title_placeholder": "e.g. Reduce support tickets",
    "form.key_result.start_placeholder": "e.g. 120",
    "form.key_result.target_placeholder": "e.g. 30",
    "form.key_result.current_placeholder": "e.g. 95",
    "form.key_result.values_hint": (
        "Type numbers as usual (12,000,000 or 12.5), percentages as 80, durations as m:ss "
        "(2:37), milestones as 0 (not done) or 1 (done)."
    ),
    "form.key_result.unit_placeholder": "e.g. tickets/month",
    "form.initiative.new": "New initiative",
    "form.kpi.new": "New KPI",
    "form.kpi.hint": (
        "A KPI is an operating metric to keep at a level, watched beside your OKRs (e.g. site "
        "uptime ≥ 99.5%): it is healthy or not, never a goal."
    ),
    # --- Field labels ---------------------------------------------------------------
    "field.objective.title": "Objective",
    "field.objective.description": "Description",
    "field.objective.owner": "Owner",
    "field.objective.level": "Level",
    "field.objective.type": "Type",
    "field.objective.period": "Period",
    "field.objective.parent": "Aligns to",
    "field.objective.starts_on": "Start date",
    "form.objective.starts_on_hint": (
        "The plan to date counts from this day to the end of the period. Empty: the "
        "period's first day, or the day the objective is activated if that is later."
    ),
    "field.objective.state": "State",
    "field.objective.score": "Score",
    "field.objective.closing_note": "What we learned",
    "field.key_result.title": "Key result",
    "field.key_result.owner": "Owner",
    "field.key_result.kind": "Measured as",
    "field.key_result.start": "Start",
    "field.key_result.target": "Target",
    "field.key_result.current": "Current",
    "field.key_result.unit": "Unit",
    "field.key_result.currency": "Currency",
    "field.key_result.progress": "Progress",
    "field.key_result.due_date": "Due date",
    "field.initiative.title": "Initiative",
    "field.initiative.owner": "Owner",
    "field.initiative.key_result": "Drives key result",
    "field.initiative.state": "State",
    "field.kpi.title": "KPI",
    "field.kpi.threshold": "Threshold",
    "field.kpi.comparison": "Healthy when the value is",
    "field.kpi.current": "Current value",
    "field.kpi.unit": "Unit",
    "field.kpi.owner": "Owner",
    "field.checkin.value": "New value",
    "field.checkin.status": "Status",
    "field.checkin.confidence": "Confidence (1–10)",
    "field.checkin.note": "Note",
    "field.owner.none": "No owner",
    # --- Enum labels ------------------------------------------------------------------
    "level.organization": "Organization",
    "level.team": "Team",
    "level.individual": "Individual",
    "objective_type.committed": "Committed",
    "objective_type.aspirational": "Aspirational",
    "objective_type.committed.hint": "expected to be fully achieved (score 1.0)",
    "objective_type.aspirational.hint": "a stretch goal: 0.7 is a good result",
    "objective_state.draft": "Draft",
    "objective_state.active": "Active",
    "objective_state.closed": "Closed",
    "key_result_kind.number": "Number",
    "key_result_kind.percentage": "Percentage",
    "key_result_kind.currency": "Amount of money",
    "key_result_kind.duration": "Duration (m:ss)",
    "key_result_kind.milestone": "Milestone (done or not)",
    "checkin_status.on_track": "On track",
    "checkin_status.at_risk": "At risk",
    "checkin_status.off_track": "Off track",
    "initiative_state.not_started": "Not started",
    "initiative_state.in_progress": "In progress",
    "initiative_state.done": "Done",
    "comparison.at_least": "at least",
    "comparison.at_most": "at most",
    "comparison.above": "above",
    "comparison.below": "below",
    "milestone.done": "Done",
    "milestone.not_done": "Not done",
    "kpi.healthy": "Healthy",
    "kpi.unhealthy": "Needs attention",
    "kpi.unknown": "No value yet",
    # --- Pace against the period, and scores --------------------------------------
    "pace.on_track": "On pace",
    "pace.behind": "Behind pace",
    "pace.at_risk": "Far behind",
    "pace.expected": "Plan to date: {expected}",
    "score.value": "Score {score}",
    "score.reading.exceeded": "Exceeded: the stretch goal was met",
    "score.reading.achieved": "Achieved",
    "score.reading.partially_achieved": "Partially achieved",
    "score.reading.missed": "Missed",
    "score.guide.committed": "Committed objective: expected to reach 1.0.",
    "score.guide.aspirational": "Aspirational objective: 0.7 is a good result.",
    "period.quarter": "Q{quarter} {year}",
    "period.year": "{year}",
    "period.fiscal_year": "FY{year}",
    "period.fiscal_quarter": "Q{quarter} FY{year}",
    "period.custom": "{start} – {end}",
    # --- Guidance from the source (warnings, never blocking) ----------------------
    "guidance.title": "Suggestions",
    "guidance.too_few_key_results": (
        "Aim for 3 to 5 measurable key results; this objective has {count}."
    ),
    "guidance.too_many_key_results": (
        "Aim for 3 to 5 key results; this objective has {count}, and more than 5 dilutes focus."
    ),
    "guidance.target_equals_start": (
        "“{key_result}”: the target equals the start value, so progress cannot be measured."
    ),
    "guidance.key_result_without_owner": (
        "“{key_result}” has no owner. Each key result needs one person "
        "responsible for tracking its progress."
    ),
    "guidance.alignment_cycle": (
        "This objective's alignment runs in a circle (it ends up aligned to itself). "
        "Choose a different parent objective."
    ),
    # --- The OKR sentence of the source document ----------------------------------
    "okr.no_key_results": "No key results yet.",
    "okr.initiatives": "Initiatives",
    "okr.block.objective": "Objective",
    "okr.block.measured_by": "Measured by",
    "okr.block.through": "Through",
    "okr.key_result_count": "Key results: {count}",
    # --- Templates ----------------------------------------------------------------
    "templates.title": "Start from an example",
    "templates.intro": "Six example OKRs. Pick one, then adjust it to your team.",
    "templates.use": "Use this template",
    # --- Actions on cards -------------------------------------------------------
    "action.create": "Create",
    "action.save": "Save",
    "action.cancel": "Cancel",
    "action.edit": "Edit",
    "action.add_key_result": "Add a key result",
    "action.add_initiative": "Add an initiative",
    "action.check_in": "Check in",
    "action.activate": "Activate",
    "action.back": "Back",
    "action.open_in_tab": "Open in tab",
    "action.open": "Open",
    # --- Browsing and authoring replies (bot/authoring.py, bot/browsing.py) ---------
    "card.objective.fallback": "An objective and its key results",
    "error.card_expired_gone": (
        "This card is out of date: what it refers to no longer exists or has changed. "
        "Type **my okrs** or **team okrs** to see the current OKRs."
    ),
    "error.changed_meanwhile": (
        "Someone changed this while you were editing it. Here is the current version; "
        "please make your change again."
    ),
    "form.period.this_quarter": "This quarter: {period}",
    "form.period.next_quarter": "Next quarter: {period}",
    "form.period.this_year": "This year: {period}",
    "form.period.next_year": "Next year: {period}",
    "kpi.saved": "Saved the KPI “{title}”. It shows as healthy or not in the team's digest.",
    "list.my_okrs.title": "Your OKRs",
    "list.my_okrs.empty": (
        "You don't own any open objective or key result yet. Type **new** to create one, "
        "or **templates** to start from an example."
    ),
    "list.team_okrs.title": "The team's OKRs",
    "list.team_okrs.empty": "This team has no open objectives yet. Type **new** to create one.",
    "list.show_more": "Show more",
    "okr.values": "{start} → {target} · now {current}",
    "permission.assign_owner": (
        "Only the team's owners can make someone else the owner. Choose yourself, "
        "or ask a team owner."
    ),
    "status.usage": "Tell me which objective: **status** followed by (part of) its title.",
    "status.not_found": (
        "I found no objective called “{query}”. Type **team okrs** to see them all."
    ),
    "status.several": "Several objectives match “{query}”:",
    # --- Check-ins, reminders, summaries (cards/checkin.py, bot/checkin.py) -------
    "checkin.title": "Time for your OKR check-in",
    "checkin.reminder_title": "Reminder: your OKR check-in is still open",
    "checkin.intro": (
        "Change what moved since last time (a value, a status, a note) and leave the rest "
        "as it is. ({count} to update)"
    ),
    "checkin.now_to_target": "{current} → {target}",
    "checkin.due": "due {date}",
    "checkin.pace_hint": "{pace}",  # the labels already say "pace": "Behind pace"
    "checkin.add_note": "Add a note",
    "summary.nudge": "Nudge them",
    "summary.nudge.sent": (
        "I'll send one more reminder to those still missing within a minute. Once a round."
    ),
    "summary.nudge.already": "They have been nudged this round already: once per round.",
    "summary.nudge.not_owner": "Only the team's owners can nudge its members.",
    "checkin.later": "Remind me later",
    "checkin.later.hint": (
        "This card comes back once, when you choose: it is this round's reminder."
    ),
    "checkin.later.in_one_hour": "In 1 hour",
    "checkin.later.in_three_hours": "In 3 hours",
    "checkin.later.tomorrow_morning": "Tomorrow at 9:00",
    "checkin.later.title": "Check-in moved",
    "checkin.later.set": "OK: I'll bring this check-in back on {at} (your time).",
    "checkin.later.unavailable": (
        "Only your scheduled check-in card can be moved. Type **checkin** for your card now."
    ),
    "checkin.later.already": (
        "I've already reminded you this round, so the card stays as it is. Send it when you can."
    ),
    "checkin.no_change": "No change, still on track",
    "checkin.no_change_since": "No change since last time",
    "checkin.kept_first": (
        "This card was already sent on {at}, and that first answer is kept. Type **checkin** "
        "for a new card to change it."
    ),
    "checkin.submit": "Send check-in",
    "checkin.recorded_title": "Check-in recorded",
    "checkin.correct": "Correct",
    "checkin.correct.below": "The card to correct it is in the next message.",
    "checkin.correct.title": "Correct your check-in",
    "checkin.correct.closed": (
        "This check-in's round is over (or its objective is closed), so it can no longer be "
        "corrected. Your next check-in will carry the new values."
    ),
    "checkin.correct.since": (
        "This check-in has been corrected since. Press “Correct” on the newest record, or type "
        "**checkin**."
    ),
    "checkin.correct.nothing": (
        "Nothing differs from what was recorded: change a value, a status or the note."
    ),
    "checkin.done.heading": "Already updated this round",
    "checkin.done.title": "You're up to date",
    "checkin.done.intro": (
        "Every key result is updated for this round. To change an answer, press “Correct”."
    ),
    "checkin.recorded_at": "Sent on {at}. Thank you!",
    "checkin.skipped": "{count} key results left unchanged.",
    "checkin.skipped.one": "{count} key result left unchanged.",
    "checkin.to_close": (
        "{count} objectives of an ended period are not asked about any more: they wait to "
        "be closed."
    ),
    "checkin.to_close.one": (
        "{count} objective of an ended period is not asked about any more: it waits to be closed."
    ),
    "checkin.to_close.open": "Close the period",
    "checkin.to_close.title": "Nothing to check in on",
    "checkin.nothing": (
        "You have no key results in active objectives to check in on. Type **my okrs** "
        "to see yours."
    ),
    "checkin.nothing_entered": (
        "Nothing changed: change a value or a status, add a note, or press “No change”."
    ),
    "checkin.card_outdated": (
        "This check-in card is out of date (a key result was removed). Type **checkin** "
        "for a fresh one."
    ),
    "checkin.notification": "Time for your OKR check-in: {count} key results to update.",
    "checkin.notification.one": "Time for your OKR check-in: {count} key result to update.",
    "checkin.reminder_notification": "Reminder: {count} key results still wait for your check-in.",
    "checkin.reminder_notification.one": (
        "Reminder: {count} key result still waits for your check-in."
    ),
    "summary.title": "Missing check-ins in {team}",
    "summary.round": "Check-in round of {round}",
    "summary.everyone": "Everyone has checked in. 🎉",
    "summary.unreachable": "I cannot reach this person (the app is blocked or not installed)",
    "summary.count": "{done} of {total} checked in",
    # --- Settings (cards/settings.py, bot/team_settings.py) -------------------------
    "settings.team.title": "Check-in settings of {team}",
    "settings.team.hint": (
        "These apply to the whole team. Check-ins are sent at this time in each person's own "
        "time zone."
    ),
    "settings.personal.title": "Your settings",
    "settings.personal.hint": "These apply only to you.",
    "settings.field.cadence": "How often",
    "settings.cadence.weekly": "Every week",
    "settings.cadence.biweekly": "Every 2 weeks",
    "settings.cadence.triweekly": "Every 3 weeks",
    "settings.cadence.monthly": "Every month",
    "settings.cadence.monthly_hint": (
        "“Every month” means the first chosen weekday of each month, e.g. the first Monday."
    ),
    "settings.field.weekday": "Day",
    "settings.field.time_of_day": "Time (each person's own time)",
    "settings.field.time_zone": "Team time zone",
    "settings.time_zone.hint": "Used for people whose time zone Teams has not told me.",
    "settings.field.skip_days": ("Don't ask owners who checked in within the last … days (0–14)"),
    "settings.field.reminder_hours": "Remind after … hours without a check-in (1–168)",
    "settings.field.digest_channel": "Digest channel",
    "settings.field.digest_enabled": "Post a weekly digest in the team's channel",
    "settings.field.team_language": "Team language (digests and reports in channels)",
    "settings.team_language.hint": "A channel is shared, so the team has one language.",
    "settings.problem.team_language": "Choose English or Tiếng Việt.",
    "settings.field.digest_weekday": "Digest day",
    "settings.field.digest_time": "Digest time (team time zone)",
    "settings.digest.hint": (
        "The digest is posted every week on this day and time, in the team's time zone. "
        "Type **digest** to see the team's progress now."
    ),
    "settings.channel.general": "General",
    "settings.this_team": "this team",
    "settings.saved": "Saved.",
    "settings.next_round": (
        "Next round: {when} ({zone}). Everyone who owns key results is asked at that time in "
        "their own time zone."
    ),
    "settings.first_round_new_rhythm": (
        "The first round with the new rhythm is on {when} ({zone}), in {count} weeks."
    ),
    "settings.first_round_new_rhythm.days": (
        "The first round with the new rhythm is on {when} ({zone}), in {count} days."
    ),
    "settings.digest_focus": "Choose the digest channel, day and time at the end of this card.",
    "settings.next_checkin": "Your next check-in: {when} (your time).",
    "settings.no_key_results_note": (
        "You own no key results yet, so no check-in is scheduled for you. "
        "Create one with **new**, or ask your team lead to assign you one."
    ),
    "settings.prompts_paused_note": "Your check-in prompts are paused.",
    "settings.changed_meanwhile": (
        "Another owner changed these settings while you were editing them. Here are the current "
        "settings; please make your change again."
    ),
    "settings.card_expired": "This settings card is out of date. Type **settings** for a new one.",
    "settings.not_owner": (
        "Only the owners of {team} can change its check-in schedule and digest. "
        "Here are your own settings instead."
    ),
    "settings.not_owner_save": "Only the owners of {team} can change its check-in settings.",
    "settings.more_teams": (
        "You own {count} more teams. Type **settings** in a team's channel to change that team."
    ),
    "settings.more_teams.one": (
        "You own {count} more team. Type **settings** in its channel to change it."
    ),
    "settings.someone_elses": (
        "These are someone else's settings. Type **settings** to change your own."
    ),
    "settings.field.prompts_paused": "Pause my check-in prompts",
    "settings.prompts_paused.hint": (
        "While paused, I send you no check-in cards or reminders. You can still type **checkin**."
    ),
    "settings.field.language": "Language",
    "settings.field.my_time_zone": "My time zone",
    "settings.my_time_zone.none": "Not set (the team's time zone is used)",
    "settings.problem.time": "Write a time as HH:MM, e.g. 09:00.",
    "settings.problem.range": "Choose a whole number from {min} to {max}.",
    "settings.problem.time_zone": "Choose a time zone from the list.",
    "settings.problem.channel": "Choose one of this team's channels.",
    "settings.pending.title": "Owners I have not met yet",
    "settings.pending.hint": (
        "An OKR import named these people as owners in this team. Each becomes the owner as "
        "soon as I meet them: when I am added to a team they are in, or when they message me."
    ),
    "settings.pending.objectives": "{count} objectives",
    "settings.pending.objectives.one": "{count} objective",
    "settings.pending.key_results": "{count} key results",
    "settings.pending.key_results.one": "{count} key result",
    "settings.pending.line": "{email} will own {owns}",
    "settings.pending.more": "…and others not shown here.",
    # --- Digest and close on demand (bot/reports.py) ---------------------------------
    "digest.week": "Week {week} of {weeks} · {period}",
    "digest.personal_title": "Your progress",
    "digest.empty": "This team has no active objectives this period.",
    "digest.personal_empty": (
        "You have no active objectives this period. Type **new** to create one."
    ),
    "digest.first": "First digest: changes show from the next one.",
    "digest.change": "{points} since the last digest",
    "digest.points": "{sign}{count} points",
    "digest.points.one": "{sign}{count} point",
    "digest.points_fraction": "{sign}{points} points",
    "digest.no_change": "no change",
    "digest.no_key_results": "No key results yet: progress shows once objectives have some.",
    "digest.overall_label": "Overall",
    "digest.overall_line": "Overall: {progress}",
    "digest.plan": "plan to date {expected}",
    "digest.plan_label": "Plan",
    "digest.participation": "Check-ins",
    "digest.no_round": "No check-in round yet this period.",
    "digest.not_yet": "Not yet: {names}",
    "digest.more_people": "{count} more",
    "digest.not_updated": "Not updated",
    "digest.mix": "Key results ({count})",
    "digest.objectives": "Objectives ({count})",
    "digest.more_objectives": "…and {count} more objectives",
    "digest.more_objectives.one": "…and {count} more objective",
    "digest.more_key_results": "…and {count} more key results",
    "digest.more_key_results.one": "…and {count} more key result",
    "digest.more_kpis": "…and {count} more KPIs",
    "digest.more_kpis.one": "…and {count} more KPI",
    "digest.movers": "Biggest moves since the last digest",
    "digest.stale": "Not updated for a while",
    "digest.rounds_missed": "not updated for {count} rounds",
    "digest.rounds_missed.one": "not updated for {count} round",
    "digest.kpis_unhealthy": "KPIs that need attention",
    "digest.trend": "Trend",
    "digest.see_all": "See all",
    "digest.checkin_now": "Check in now",
    "digest.team_okrs": "Team OKRs",
    "digest.week_short": "W{week}",
    "digest.trend_points": "{overall} ({plan}): {points}",
    "digest.checkin_below": "Your check-in card is in the next message.",
    "digest.nobody_asked": "Nobody has been asked to check in this round yet.",
    "digest.kpis_fine": "No KPI needs attention.",
    "digest.notification": "{team}: this week's progress",
    "digest.title": "Team progress",
    "digest.at_risk": "At risk or off track",
    "digest.nothing_at_risk": "Nothing is marked at risk or off track.",
    "period_report.title": "{period} is closed: {team}",
    "period_report.intro": (
        "Every objective of {period} is closed. Scores run from 0.0 to 1.0; "
        "under each, what we learned."
    ),
    "period_report.average.committed": "Committed (1.0 expected)",
    "period_report.average.aspirational": "Aspirational (0.7 is a good result)",
    "period_report.average_value": "{score} on average over {count} scored objectives",
    "period_report.average_value.one": "{score} ({count} scored objective)",
    "period_report.chart_title": "Score per objective",
    "period_report.no_score": "Closed without a score",
    "period_report.no_note": "Nothing written under what we learned.",
    "period_report.more": (
        "… and {count} more objectives, left off to keep the card short: the averages above "
        "count them all."
    ),
    "period_report.more.one": (
        "… and {count} more objective, left off to keep the card short: the averages above "
        "count it."
    ),
    # --- Editing initiatives and KPIs ---------------------------------------------
    "form.initiative.edit": "Edit initiative",
    "form.kpi.edit": "Update KPI",
    "permission.kpi": "Only the KPI's owner or the team's owners can change it.",
    "action.new_objective": "New objective",
    "action.add_kpi": "Add a KPI",
    "action.update": "Update",
    "checkin.in_personal_chat": (
        "Check-ins are personal: type **checkin** in your chat with me (open it from my "
        "profile picture) and I'll show your card there."
    ),
    # --- The period close (bot/closing.py, cards/closing.py) ------------------------
    "closing.title": "Close the period",
    "closing.title_team": "Close the period: {team}",
    "closing.intro": (
        "Score each key result from 0.0 to 1.0 (suggested from progress), say what you learned, "
        "and carry unfinished key results over if they still matter. Closed objectives are "
        "read-only and no longer asked for check-ins."
    ),
    "closing.notification": "{period} is over: score and close your objectives ({count} to close)",
    "closing.kr_score": "Score",
    "closing.objective_score": "Objective score",
    "closing.carry_over": "Carry over to {period}",
    "closing.note": "What we learned",
    "closing.note_placeholder": "What worked, what blocked us, what we'd do differently",
    "closing.submit": "Close objectives",
    "closing.more": (
        "Objectives of this period not on this card: {count}. Type **close** once these are closed."
    ),
    "closing.warning.aim_higher": (
        "Aspirational and scored above 0.8: the stretch was within reach. Aim higher next time."
    ),
    "closing.warning.what_blocked": (
        "Committed and scored below 1.0: what blocked it? Say so in the note."
    ),
    "closing.warning.too_many_key_results": (
        "{count} key results: 3 to 5 keep an objective focused."
    ),
    "closing.warning.never_checked_in": "“{key_result}” was never checked in.",
    "closing.problem.score": "Pick a score from 0.0 to 1.0.",
    "closing.problem.note": "Keep the note under {max} characters.",
    "closing.problem.no_score": (
        "Pick a score for this objective: it has no key results to suggest one from."
    ),
    "closing.problem.not_unfinished": "Only unfinished key results can be carried over.",
    "closing.recorded": "Closed",
    "closing.kept_first": "These objectives were already closed; the first close stands.",
    "closing.note_recorded": "What we learned: {note}",
    "closing.carried": "Key results carried over to {period} as a draft: {count}.",
    "closing.closed_by": "Closed by {name} on {when}",
    "closing.reopened_by": "Reopened by {name} on {when}",
    "closing.reopen": "Reopen",
    "closing.reopened": "Reopened: {title} is active again, and check-ins resume.",
    "closing.nothing": "No objectives to close: none of this period is still active.",
    "closing.nothing_team": (
        "No objectives of {team} to close: its ending or ended periods are all closed."
    ),
    "closing.read_only": (
        "This objective is closed, so it is read-only. A team owner can reopen it."
    ),
    "closing.not_allowed": (
        "You can only close your own objectives, or those of a team you own. Nothing was closed."
    ),
    "closing.reopen_not_allowed": "Only the owners of the objective's team can reopen it.",
    "closing.not_closed": "This objective is not closed.",
    "closing.unknown_team": (
        "I don't know a team called “{team}”. Type **close** in its channel instead."
    ),
    "closing.not_team_owner": (
        "Only {team}'s owners can close its objectives for others. Here are your own."
    ),
    # --- Teams tab (tab/): errors, charts and the words the API writes --------------
    "tab.error.no_token": "Teams did not say who you are. Close the tab and open it again.",
    "tab.error.invalid_token": (
        "Your sign-in could not be checked. Close the tab and open it again."
    ),
    "tab.error.expired": "Your sign-in has expired. Reload the tab to sign in again.",
    "tab.error.wrong_audience": (
        "This sign-in was made for another app. Ask whoever set up the OKR app to check "
        "its single sign-on settings."
    ),
    "tab.error.wrong_tenant": "This OKR app does not serve your organization.",
    "tab.error.unknown_member": (
        "The OKR bot has not met you yet. Say hi to it in a chat, then reload the tab."
    ),
    "tab.error.sign_in_unavailable": "Sign-in cannot be checked right now. Try again in a minute.",
    "tab.error.not_found": "This was not found. It may have been deleted.",
    "tab.error.bad_request": "This link has a filter the tab does not understand.",
    "tab.error.dev_only": "The development sign-in works only in local mode, on this computer.",
    "tab.error.server_error": "Something went wrong on our side. Try again in a moment.",
    "tab.chart.title": "History of {title}",
    "tab.progress.none": "No key results yet",
    "tab.checkin.never": "No check-in yet",
    "tab.period.running": "Running now",
    "tab.participation": "{answered} of {expected} checked in this round",
    "tab.status.none": "No status yet",
    "tab.person.unknown": "Someone the bot does not know",
    # --- The Teams tab: the page (tab/static/js; sent as the session's strings) ------
    "tab.nav.label": "Views",
    "tab.nav.my": "My OKRs",
    "tab.nav.team": "Team",
    "tab.nav.alignment": "Alignment",
    "tab.filters.label": "Filters",
    "tab.filter.period": "Period",
    "tab.filter.team": "Team",
    "tab.filter.owner": "Owner",
    "tab.filter.status": "Status",
    "tab.filter.search": "Search",
    "tab.filter.any": "All",
    "tab.filter.clear": "Clear filters",
    "tab.status.on_track": "On track",
    "tab.status.at_risk": "At risk",
    "tab.status.off_track": "Off track",
    "tab.objective.owner": "Owner: {name}",
    "tab.objective.key_results": "Key results",
    "tab.kr.last_checkin": "Last check-in: {when}",
    "tab.kr.last_note": "Latest note",
    "tab.team.choose": "Pick a team to see its OKRs.",
    "tab.team.participation": "This round's check-ins",
    "tab.team.missing": "Not answered yet",
    "tab.team.at_risk": "At risk",
    "tab.team.nothing_at_risk": "Nothing is at risk right now.",
    "tab.empty.my": "You have no objectives or key results in this period.",
    "tab.empty.team": "This team has no objectives in this period.",
    "tab.empty.filtered": "Nothing matches these filters.",
    "tab.list.more": "Show more ({shown} of {total})",
    "tab.alignment.label": "How objectives align: company, team, individual",
    "tab.alignment.help": (
        "Arrow keys move and open or close a branch, Space opens or closes it, "
        "Enter opens the objective."
    ),
    "tab.detail.back": "Back",
    "tab.detail.objective": "Objective",
    "tab.detail.measured_by": "Measured by",
    "tab.detail.through": "Through",
    "tab.detail.initiatives": "Initiatives",
    "tab.detail.no_initiatives": "No initiatives yet.",
    "tab.detail.notes": "Check-in notes",
    "tab.detail.no_notes": "No check-in notes yet.",
    "tab.detail.closed": "Closed",
    "tab.detail.score": "Score: {score}",
    "tab.detail.closing_note": "Closing note",
    "tab.action.check_in": "Check in",
    "tab.loading": "Loading…",
    "tab.error.title": "The OKRs could not be shown",
    "tab.error.network": "The OKR app did not answer. Check your connection and try again.",
    "tab.error.retry": "Try again",
    "tab.dev.title": "Sign in (local mode)",
    "tab.dev.intro": "Outside Teams, pick a stored member to see the tab as they would.",
    "tab.dev.none": "No members are stored yet: talk to the bot first.",
    "tab.config.title": "Which team's OKRs should this tab show?",
    "tab.config.none": "You are not in any team the bot knows yet.",
}
