// What each view shows, from the API's shapes (docs/tab.md). Text only through textContent.
import { h, importSvg, progressBar } from "./dom.js";
import { t } from "./strings.js";

/** A link to an objective's detail that the page opens in place (`open(id)`). */
function objectiveLink(objective, open, className = "objective-link") {
  const href = objective.link || `index.html?view=objective&objective=${encodeURIComponent(objective.id)}`;
  return h("a", {
    class: className,
    text: objective.title,
    attrs: { href, "data-objective": objective.id },
    on: {
      click: (event) => {
        if (event.ctrlKey || event.metaKey || event.shiftKey) return;
        event.preventDefault();
        open(objective.id);
      },
    },
  });
}

/** "40%, Plan to date: 60%": the objective's progress and where the plan says it should be. */
function progressWords(objective) {
  return [objective.progress_text, objective.expected_text].filter(Boolean).join(", ");
}

function statusChip(status, text) {
  if (!text) return null;
  return h("span", { class: `chip status-${status || "none"}`, text });
}

function paceChip(pace, text) {
  if (!text) return null;
  return h("span", { class: `chip pace-${pace || "none"}`, text });
}

function meta(...parts) {
  const shown = parts.filter((part) => part);
  if (!shown.length) return null;
  return h("p", { class: "meta" }, ...shown.flatMap((part, index) => (index ? [h("span", { class: "dot", text: "·", attrs: { "aria-hidden": "true" } }), part] : [part])).map((part) => (typeof part === "string" ? h("span", { text: part }) : part)));
}

function chart(keyResult) {
  const svg = importSvg(keyResult.chart_svg);
  if (!svg) return null;
  if (!svg.getAttribute("aria-label") && !svg.querySelector("title")) {
    svg.setAttribute("aria-label", keyResult.title);
  }
  if (!svg.getAttribute("role")) svg.setAttribute("role", "img");
  svg.setAttribute("focusable", "false");
  return h("figure", { class: "chart" }, svg);
}

function keyResultItem(keyResult) {
  // Without a check-in the server's last_checkin_text says so itself.
  const statusLine = keyResult.last_status
    ? [
        statusChip(keyResult.last_status, keyResult.last_status_text),
        paceChip(keyResult.pace, keyResult.pace_text),
        h("span", { class: "when", text: t("tab.kr.last_checkin", { when: keyResult.last_checkin_text }) }),
      ]
    : [paceChip(keyResult.pace, keyResult.pace_text), h("span", { class: "when", text: keyResult.last_checkin_text })];
  return h(
    "li",
    { class: "kr", attrs: { "data-key-result": keyResult.id } },
    h(
      "div",
      { class: "kr-head" },
      h("span", { class: "kr-title", text: keyResult.title }),
      h("span", { class: "kr-values", text: keyResult.values_text }),
    ),
    h(
      "div",
      { class: "progress-row" },
      progressBar(keyResult.progress, null, keyResult.progress_text),
      h("span", { class: "progress-text", text: keyResult.progress_text }),
    ),
    h("p", { class: "kr-status" }, ...statusLine.filter(Boolean)),
    keyResult.owner ? h("p", { class: "meta", text: t("tab.objective.owner", { name: keyResult.owner.name }) }) : null,
    keyResult.last_note
      ? h(
          "div",
          { class: "note" },
          h("span", { class: "note-label", text: t("tab.kr.last_note") }),
          h("p", { class: "note-text", text: keyResult.last_note }),
        )
      : null,
    chart(keyResult),
  );
}

/** What is said of an objective under its title: level, team, owner, period, state; progress and pace. */
function facts(objective) {
  const progressLabel = progressWords(objective);
  return [
    meta(
      objective.level_text,
      objective.team ? objective.team.name : null,
      objective.owner ? objective.owner.name : null,
      objective.period_text,
      objective.state_text,
    ),
    h(
      "div",
      { class: "progress-row" },
      progressBar(objective.progress, objective.expected, progressLabel),
      h("span", { class: "progress-text", text: progressLabel }),
      paceChip(objective.pace, objective.pace_text),
    ),
  ];
}

/** One objective as a card: progress against the expected line, pace, its key results. */
export function objectiveCard(objective, open) {
  return h(
    "article",
    { class: "objective", attrs: { "data-objective": objective.id } },
    h("h2", { class: "objective-title" }, objectiveLink(objective, open)),
    ...facts(objective),
    objective.key_results.length
      ? h("ul", { class: "key-results", attrs: { "aria-label": t("tab.objective.key_results") } }, objective.key_results.map(keyResultItem))
      : null,
  );
}

/** The list of objectives of "My OKRs" or a team, or what to say when there are none. */
export function objectiveList(objectives, emptyKey, open) {
  if (!objectives.length) return h("p", { class: "empty", text: t(emptyKey) });
  return h("div", { class: "objectives" }, objectives.map((objective) => objectiveCard(objective, open)));
}

/**
 * A list's "Show more" button, while more objectives match than `page` (an `okrs` answer)
 * carries: `more(offset)` answers the next page (null if another view was asked for
 * meanwhile); its objectives go at the end of `list` and the focus moves to the first
 * of them. The button goes with the last page.
 */
export function moreButton(list, page, more, open, failed) {
  const count = new Intl.NumberFormat(document.documentElement.lang || undefined);
  let shown = page.objectives.length;
  let next = page.next_offset;
  const label = () => t("tab.list.more", { shown: count.format(shown), total: count.format(page.total) });
  const button = h("button", {
    class: "button more",
    text: label(),
    attrs: { type: "button" },
    on: {
      click: async () => {
        button.disabled = true;
        button.setAttribute("aria-busy", "true");
        let data;
        try {
          data = await more(next);
        } catch (error) {
          failed(error);
          return;
        }
        if (!data) return;
        const cards = data.objectives.map((objective) => objectiveCard(objective, open));
        list.append(...cards);
        shown += cards.length;
        next = data.next_offset;
        if (cards.length) cards[0].querySelector(".objective-link").focus();
        if (next === null || next === undefined || !cards.length) {
          button.remove();
          return;
        }
        button.textContent = label();
        button.disabled = false;
        button.removeAttribute("aria-busy");
      },
    },
  });
  return button;
}

/** The team's participation in the current round and what is at risk. */
export function teamSummary(participation, atRisk, open) {
  const parts = [];
  if (participation) {
    const missing = participation.missing || [];
    parts.push(
      h(
        "section",
        { class: "panel participation", attrs: { "aria-labelledby": "participation-title" } },
        h("h2", { text: t("tab.team.participation"), attrs: { id: "participation-title" } }),
        h(
          "div",
          { class: "progress-row" },
          progressBar(participation.expected ? participation.answered / participation.expected : 0, null, participation.text),
          h("span", { class: "progress-text", text: participation.text }),
        ),
        missing.length
          ? h(
              "p",
              { class: "missing" },
              h("span", { class: "label", text: t("tab.team.missing") }),
              " ",
              h("span", { class: "names", text: missing.map((person) => person.name).join(", ") }),
            )
          : null,
      ),
    );
  }
  const risky = atRisk || [];
  parts.push(
    h(
      "section",
      { class: "panel at-risk", attrs: { "aria-labelledby": "at-risk-title" } },
      h("h2", { text: t("tab.team.at_risk"), attrs: { id: "at-risk-title" } }),
      risky.length
        ? h(
            "ul",
            { class: "risks" },
            risky.map((item) =>
              h(
                "li",
                { attrs: { "data-key-result": item.key_result.id } },
                h("span", { class: "kr-title", text: item.key_result.title }),
                " ",
                statusChip("at_risk", item.status_text),
                meta(objectiveLink(item.objective, open), item.owner ? item.owner.name : null),
              ),
            ),
          )
        : h("p", { class: "empty", text: t("tab.team.nothing_at_risk") }),
    ),
  );
  return h("div", { class: "summary" }, parts);
}

/** An objective's detail: the OKR sentence, every key result's chart, initiatives, notes, close. */
export function objectiveDetail(detail, back) {
  const sentence = detail.sentence || { objective: detail.title, measured_by: [], through: [] };
  const block = h(
    "dl",
    { class: "sentence" },
    h("dt", { text: t("tab.detail.objective") }),
    h("dd", { text: sentence.objective }),
    sentence.measured_by.length ? h("dt", { text: t("tab.detail.measured_by") }) : null,
    sentence.measured_by.map((text) => h("dd", { text })),
    sentence.through.length ? h("dt", { text: t("tab.detail.through") }) : null,
    sentence.through.map((text) => h("dd", { text })),
  );
  const closed = detail.closed
    ? h(
        "section",
        { class: "panel closed", attrs: { "aria-labelledby": "closed-title" } },
        h("h2", { text: t("tab.detail.closed"), attrs: { id: "closed-title" } }),
        detail.score_text ? h("p", { class: "score", text: t("tab.detail.score", { score: detail.score_text }) }) : null,
        detail.closing_note
          ? h(
              "div",
              { class: "note" },
              h("span", { class: "note-label", text: t("tab.detail.closing_note") }),
              h("p", { class: "note-text", text: detail.closing_note }),
            )
          : null,
      )
    : null;
  return h(
    "article",
    { class: "detail", attrs: { "data-objective": detail.id } },
    h("button", { class: "button back", text: t("tab.detail.back"), attrs: { type: "button" }, on: { click: back } }),
    h("h1", { class: "objective-title", text: detail.title }),
    ...facts(detail),
    detail.description ? h("p", { class: "description", text: detail.description }) : null,
    block,
    closed,
    h(
      "section",
      { attrs: { "aria-labelledby": "krs-title" } },
      h("h2", { text: t("tab.objective.key_results"), attrs: { id: "krs-title" } }),
      h("ul", { class: "key-results" }, detail.key_results.map(keyResultItem)),
    ),
    h(
      "section",
      { attrs: { "aria-labelledby": "initiatives-title" } },
      h("h2", { text: t("tab.detail.initiatives"), attrs: { id: "initiatives-title" } }),
      detail.initiatives.length
        ? h(
            "ul",
            { class: "initiatives" },
            detail.initiatives.map((initiative) =>
              h(
                "li",
                {},
                h("span", { class: "initiative-title", text: initiative.title }),
                meta(initiative.state_text, initiative.owner ? initiative.owner.name : null),
              ),
            ),
          )
        : h("p", { class: "empty", text: t("tab.detail.no_initiatives") }),
    ),
    h(
      "section",
      { attrs: { "aria-labelledby": "notes-title" } },
      h("h2", { text: t("tab.detail.notes"), attrs: { id: "notes-title" } }),
      detail.notes.length
        ? h(
            "ol",
            { class: "notes" },
            detail.notes.map((note) =>
              h(
                "li",
                { class: "note" },
                meta(note.when_text, note.author ? note.author.name : null, note.key_result_title, note.value_text, note.status_text),
                note.note ? h("p", { class: "note-text", text: note.note }) : null,
              ),
            ),
          )
        : h("p", { class: "empty", text: t("tab.detail.no_notes") }),
    ),
  );
}
