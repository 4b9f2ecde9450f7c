"""Every ``Action.Execute`` verb, in one place.

The card that emits a verb and the handler that routes it both import the
constant from here, so a typo cannot split them. A verb the bot no longer routes
(a card from an older version) is answered with "this card is out of date".
"""

from __future__ import annotations

# Authoring
OBJECTIVE_NEW = "okr.objective.new"
OBJECTIVE_SAVE = "okr.objective.save"
OBJECTIVE_EDIT = "okr.objective.edit"
OBJECTIVE_VIEW = "okr.objective.view"
OBJECTIVE_ACTIVATE = "okr.objective.activate"
KEY_RESULT_NEW = "okr.kr.new"
KEY_RESULT_EDIT = "okr.kr.edit"
KEY_RESULT_SAVE = "okr.kr.save"
INITIATIVE_NEW = "okr.initiative.new"
INITIATIVE_SAVE = "okr.initiative.save"
INITIATIVE_EDIT = "okr.initiative.edit"
KPI_NEW = "okr.kpi.new"
KPI_SAVE = "okr.kpi.save"
KPI_EDIT = "okr.kpi.edit"
TEMPLATE_USE = "okr.template.use"
GO_BACK = "okr.back"  # a form's Cancel, a card's Back: the card it came from, nothing saved
TEAM_OKRS_MORE = "okr.team_okrs.more"  # "Show more" under the team's objectives

# Check-ins (issue: scheduled check-ins)
CHECKIN_SUBMIT = "okr.checkin.submit"
CHECKIN_NO_CHANGE = "okr.checkin.no_change"  # one tap: every key result as it was
CHECKIN_LATER = "okr.checkin.later"  # "Remind me later": this round's card again, later
CHECKIN_OPEN = "okr.checkin.open"  # "Check in" on a key result of the objective card
CHECKIN_NUDGE = "okr.checkin.nudge"  # a team owner: one more reminder to those still missing
# "Check in now" on a digest: the presser's own check-in card, in their personal chat.
CHECKIN_NOW = "okr.checkin.now"

CHECKIN_CORRECT = "okr.checkin.correct"  # a recorded check-in, reopened within its round
# The period close (docs/close.md)
CLOSING_SUBMIT = "okr.closing.submit"  # the closing card: scores, notes, carry-over
OBJECTIVE_REOPEN = "okr.objective.reopen"  # a team owner reopens a closed objective

# Chat commands as buttons (help, welcome): the command runs as if typed.
COMMAND_RUN = "okr.command.run"

# Settings
SETTINGS_SAVE = "okr.settings.save"  # a team's check-in rhythm and digest (team owners)
PREFERENCES_SAVE = "okr.preferences.save"  # a person's own: pause prompts, language, zone
TEAM_SETTINGS_OPEN = "okr.settings.open"  # one team's settings card (the owners' welcome)

ALL_VERBS = frozenset(
    {
        OBJECTIVE_NEW,
        OBJECTIVE_SAVE,
        OBJECTIVE_EDIT,
        OBJECTIVE_VIEW,
        OBJECTIVE_ACTIVATE,
        KEY_RESULT_NEW,
        KEY_RESULT_EDIT,
        KEY_RESULT_SAVE,
        INITIATIVE_NEW,
        INITIATIVE_SAVE,
        INITIATIVE_EDIT,
        KPI_NEW,
        KPI_SAVE,
        KPI_EDIT,
        TEMPLATE_USE,
        GO_BACK,
        TEAM_OKRS_MORE,
        CHECKIN_SUBMIT,
        CHECKIN_NO_CHANGE,
        CHECKIN_LATER,
        CHECKIN_OPEN,
        CHECKIN_NUDGE,
        CHECKIN_NOW,
        COMMAND_RUN,
        SETTINGS_SAVE,
        CHECKIN_CORRECT,
        PREFERENCES_SAVE,
        TEAM_SETTINGS_OPEN,
        CLOSING_SUBMIT,
        OBJECTIVE_REOPEN,
    }
)

# Verbs that act on the card they are pressed on, whose answer replaces that card wherever it
# is: a form's Save and a check-in card's answers. Every other verb opens something (a form,
# a view, a command's answer): pressed on a card shared in a channel or group chat, it is
# answered in the presser's personal chat, and the shared card stays as it is for everyone
# (bot/agent.py, docs/shared-cards.md).
ANSWERED_IN_PLACE = frozenset(
    {
        OBJECTIVE_SAVE,
        KEY_RESULT_SAVE,
        INITIATIVE_SAVE,
        KPI_SAVE,
        CHECKIN_SUBMIT,
        CHECKIN_NO_CHANGE,
        CHECKIN_LATER,
        CHECKIN_NUDGE,
        CHECKIN_CORRECT,
        SETTINGS_SAVE,
        PREFERENCES_SAVE,
        CLOSING_SUBMIT,
        OBJECTIVE_REOPEN,  # on the close's record or the objective card: that card, reopened
        GO_BACK,  # a form's Cancel: the form itself turns back into the card it replaced
    }
)
