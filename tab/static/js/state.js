// The view and its filters live in the URL query (docs/tab.md), so a link opens the same view.
export const VIEWS = ["my", "team", "alignment", "objective"];
export const FILTERS = ["period", "team", "owner", "status", "q"];
export const STATUSES = ["on_track", "at_risk", "off_track", "none"];
const KEPT = ["view", "objective", ...FILTERS, "lang"];

/** The state a URL asks for; an unknown view is "my". */
export function readState(search = window.location.search) {
  const query = new URLSearchParams(search);
  const state = {};
  for (const name of KEPT) {
    const value = query.get(name);
    if (value !== null && value !== "") state[name] = value;
  }
  if (!VIEWS.includes(state.view)) state.view = "my";
  if (state.status && !STATUSES.includes(state.status)) delete state.status;
  if (state.view === "objective" && !state.objective) state.view = "my";
  return state;
}

/** The query of `state`, in a stable order. */
export function queryOf(state) {
  const query = new URLSearchParams();
  for (const name of KEPT) {
    if (state[name] !== undefined && state[name] !== null && state[name] !== "") query.set(name, state[name]);
  }
  return query.toString();
}

/** Write `state` into the address (no new history entry), so a copied link opens it. */
export function writeState(state) {
  const url = `${window.location.pathname}?${queryOf(state)}`;
  if (url !== `${window.location.pathname}${window.location.search}`) {
    window.history.replaceState(null, "", url);
  }
}
