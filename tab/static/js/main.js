// The tab: one shell whose view and filters live in the URL (docs/tab.md).
import { start } from "./boot.js";
import { h, replace } from "./dom.js";
import { openLink, showError } from "./host.js";
import { FILTERS, STATUSES, readState, writeState } from "./state.js";
import { t } from "./strings.js";
import { alignmentTree } from "./tree.js";
import { moreButton, objectiveDetail, objectiveList, teamSummary } from "./views.js";

const content = document.getElementById("content");
const bar = document.querySelector("header.bar");
const nav = document.getElementById("views");
const checkIn = document.getElementById("check-in");
const filters = document.getElementById("filters");
const NAV_VIEWS = ["my", "team", "alignment"];
const SEARCH_DELAY_MS = 300;
// Objectives a list shows at first (a screenful or two, quick to answer), then per "Show more".
const FIRST_PAGE = 20;
const MORE_PAGE = 100;

let state = readState();
let back = { view: "my" };
let app = null; // {api, session, context}
const owners = new Map(); // member id → name, of every owner shown so far
let loads = 0;

function filterParams() {
  const params = {};
  for (const name of FILTERS) if (state[name]) params[name] = state[name];
  return params;
}

function filtered() {
  return Boolean(state.owner || state.status || state.q);
}

function learnOwners(objectives) {
  for (const objective of objectives) {
    for (const person of [objective.owner, ...objective.key_results.map((kr) => kr.owner)]) {
      if (person) owners.set(person.id, person.name);
    }
  }
}

function navigate(changes) {
  if (changes.view === "objective" && state.view !== "objective") {
    back = { ...state };
  }
  const newView = changes.view !== undefined && changes.view !== state.view;
  state = { ...state, ...changes };
  if (state.view !== "objective") delete state.objective;
  show(newView);
}

function openObjective(id) {
  navigate({ view: "objective", objective: id });
}

function teamName(id) {
  const team = app.session.teams.find((candidate) => candidate.id === id);
  return team ? team.name : null;
}

// --- The bar: views and the Check in link ------------------------------------------

function buildBar() {
  nav.setAttribute("aria-label", t("tab.nav.label"));
  replace(
    nav,
    NAV_VIEWS.map((view) =>
      h("a", {
        class: "view-link",
        text: t(`tab.nav.${view}`),
        attrs: { href: `?view=${view}`, "data-view": view },
        on: {
          click: (event) => {
            event.preventDefault();
            navigate({ view });
          },
        },
      }),
    ),
  );
  // The server builds the link (Teams' deep link to the person's chat with the bot).
  const link = app.session.chat_link;
  if (link) {
    checkIn.textContent = t("tab.action.check_in");
    checkIn.href = link;
    checkIn.hidden = false;
    checkIn.addEventListener("click", (event) => {
      event.preventDefault();
      openLink(link, Boolean(app.context));
    });
  }
  bar.hidden = false;
}

// --- Filters ----------------------------------------------------------------------------

function select(name, label, options) {
  const id = `filter-${name}`;
  const control = h(
    "select",
    { attrs: { id, name }, on: { change: () => navigate({ [name]: control.value || undefined }) } },
    options.map(([value, text]) => h("option", { text, attrs: { value } })),
  );
  return h("label", { class: "filter", attrs: { for: id } }, h("span", { text: label }), control);
}

function setOptions(control, options) {
  replace(control, options.map(([value, text]) => h("option", { text, attrs: { value } })));
}

function buildFilters() {
  const any = ["", t("tab.filter.any")];
  let timer;
  const search = h("input", {
    attrs: { id: "filter-q", name: "q", type: "search", autocomplete: "off" },
    on: {
      input: () => {
        clearTimeout(timer);
        timer = setTimeout(() => navigate({ q: search.value.trim() || undefined }), SEARCH_DELAY_MS);
      },
    },
  });
  filters.setAttribute("aria-label", t("tab.filters.label"));
  replace(
    filters,
    select("period", t("tab.filter.period"), [
      ["", t("tab.period.running")],
      ...app.session.periods.map((period) => [period.key, period.label]),
    ]),
    select("team", t("tab.filter.team"), [any, ...app.session.teams.map((team) => [team.id, team.name])]),
    select("owner", t("tab.filter.owner"), [any]),
    select("status", t("tab.filter.status"), [any, ...STATUSES.map((status) => [status, t(`tab.status.${status}`)])]),
    h("label", { class: "filter search", attrs: { for: "filter-q" } }, h("span", { text: t("tab.filter.search") }), search),
    h("button", {
      class: "button subtle",
      text: t("tab.filter.clear"),
      attrs: { type: "button", id: "filter-clear" },
      on: {
        click: () => {
          search.value = "";
          const kept = state.view === "team" ? { team: state.team } : {};
          state = { view: state.view, lang: state.lang, ...kept };
          show();
        },
      },
    }),
  );
  filters.addEventListener("submit", (event) => event.preventDefault());
}

/** Show the state in the controls; a value not offered (an owner from a shared link) is kept. */
function syncFilters() {
  const owner = filters.querySelector("#filter-owner");
  const known = [["", t("tab.filter.any")], ...[...owners].sort((a, b) => a[1].localeCompare(b[1]))];
  if (state.owner && !owners.has(state.owner)) known.push([state.owner, state.owner]);
  setOptions(owner, known);
  for (const name of ["period", "team", "owner", "status"]) {
    const control = filters.querySelector(`#filter-${name}`);
    control.value = state[name] || "";
  }
  const search = filters.querySelector("#filter-q");
  if (document.activeElement !== search) search.value = state.q || "";
}

function updateChrome() {
  for (const link of nav.querySelectorAll("a")) {
    if (link.dataset.view === state.view) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  filters.hidden = state.view === "objective";
  syncFilters();
}

// --- Views ------------------------------------------------------------------------------

function heading(title, period) {
  return h("div", { class: "heading" }, h("h1", { text: title }), period ? h("p", { class: "period", text: period.label }) : null);
}

/** A list's first page and, while more objectives match, its "Show more" button. */
function listed(params, data, emptyKey) {
  const list = objectiveList(data.objectives, filtered() ? "tab.empty.filtered" : emptyKey, openObjective);
  if (data.next_offset === null || data.next_offset === undefined) return [list];
  const load = loads;
  const more = async (offset) => {
    const next = await app.api.get("okrs", { ...params, offset, limit: MORE_PAGE });
    if (load !== loads) return null; // another view was asked for meanwhile
    learnOwners(next.objectives);
    syncFilters(); // the owners just shown join the owner filter
    return next;
  };
  const failed = (error) => {
    if (load !== loads) return;
    showError(content, error);
    document.body.dataset.shown = "error";
  };
  return [list, moreButton(list, data, more, openObjective, failed)];
}

async function render() {
  const api = app.api;
  switch (state.view) {
    case "my": {
      const params = { view: "my", ...filterParams() };
      const data = await api.get("okrs", { ...params, limit: FIRST_PAGE });
      learnOwners(data.objectives);
      document.title = t("tab.nav.my");
      return [heading(t("tab.nav.my"), data.period), ...listed(params, data, "tab.empty.my")];
    }
    case "team": {
      if (!state.team) {
        document.title = t("tab.nav.team");
        return [heading(t("tab.nav.team"), null), h("p", { class: "empty", text: t("tab.team.choose") })];
      }
      const params = { view: "team", ...filterParams() };
      const data = await api.get("okrs", { ...params, limit: FIRST_PAGE });
      learnOwners(data.objectives);
      const title = teamName(state.team) || t("tab.nav.team");
      document.title = title;
      return [
        heading(title, data.period),
        teamSummary(data.participation, data.at_risk, openObjective),
        ...listed(params, data, "tab.empty.team"),
      ];
    }
    case "alignment": {
      const data = await api.get("alignment", filterParams());
      document.title = t("tab.nav.alignment");
      return [heading(t("tab.nav.alignment"), data.period), alignmentTree(data.roots, openObjective)];
    }
    default: {
      const detail = await api.get(`objectives/${encodeURIComponent(state.objective)}`);
      document.title = detail.title;
      return [
        objectiveDetail(detail, () => {
          state = { ...back };
          show(true);
        }),
      ];
    }
  }
}

/** Show the state's view; `focusHeading` after a change of view, so a screen reader follows. */
async function show(focusHeading = false) {
  const load = ++loads;
  writeState(state);
  updateChrome();
  content.setAttribute("aria-busy", "true");
  try {
    const nodes = await render();
    if (load !== loads) return; // a newer view was asked for meanwhile
    replace(content, nodes);
    content.setAttribute("aria-busy", "false");
    if (state.view !== "objective") updateChrome(); // owners seen in this view
    const heading = focusHeading ? content.querySelector("h1") : null;
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
    document.body.dataset.shown = state.view;
  } catch (error) {
    if (load === loads) {
      showError(content, error);
      document.body.dataset.shown = "error";
    }
  }
}

async function main() {
  app = await start(content, state.lang);
  if (!app) {
    document.body.dataset.shown = "error";
    return;
  }
  const context = app.context;
  if (context) {
    const deepLink = /^objective:(.+)$/.exec((context.page && context.page.subPageId) || "");
    if (deepLink) state = { ...state, view: "objective", objective: deepLink[1] };
    if (state.view === "team" && !state.team && context.team && context.team.internalId) {
      state.team = context.team.internalId;
    }
  }
  if (state.view === "team" && !state.team && app.session.teams.length === 1) state.team = app.session.teams[0].id;
  buildBar();
  buildFilters();
  await show();
}

main().catch((error) => {
  showError(content, error);
  document.body.dataset.shown = "error";
});
