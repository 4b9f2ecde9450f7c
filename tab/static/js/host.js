// The Teams host (context, theme, single sign-on), or outside Teams the local-mode sign-in.
import { apiClient } from "./api.js";
import { h, replace } from "./dom.js";
import { has, setStrings, t } from "./strings.js";

const teams = window.microsoftTeams;
// Teams answers initialize within a few hundred milliseconds; past this the page is
// not in Teams (a browser on `./dev run`).
const HOST_TIMEOUT_MS = 1500;
const THEMES = ["default", "dark", "contrast"];
const TOKEN_KEY = "okr-tab-dev-token";

/** The host's Teams context, or null outside Teams. */
export async function connectTeams() {
  if (!teams || (window.parent === window && !window.opener)) return null;
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error("no Teams host")), HOST_TIMEOUT_MS);
  });
  try {
    await Promise.race([teams.app.initialize(), timeout]);
    const context = await Promise.race([teams.app.getContext(), timeout]);
    return context;
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

/** `en` or `vi` from a BCP 47 locale (Teams' `vi-VN`), or null when there is none. */
export function langOf(locale) {
  if (!locale) return null;
  return String(locale).toLowerCase().startsWith("vi") ? "vi" : "en";
}

/** Show the host's theme (`default`, `dark` or `contrast`); outside Teams, the system's. */
export function applyTheme(theme) {
  let name = THEMES.includes(theme) ? theme : null;
  if (name === null) {
    const dark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
    name = dark ? "dark" : "default";
  }
  document.documentElement.dataset.theme = name;
}

/** Follow the host's theme changes live. */
export function followTheme() {
  teams.app.registerOnThemeChangeHandler((theme) => applyTheme(theme));
}

/** A token from Teams' single sign-on. */
export function teamsToken() {
  return teams.authentication.getAuthToken();
}

/** Open a Teams deep link: through the host in Teams, else as a plain link. */
export function openLink(url, inTeams) {
  if (inTeams) {
    teams.app.openLink(url).catch(() => window.open(url, "_blank", "noopener"));
  } else {
    window.open(url, "_blank", "noopener");
  }
}

/** The local-mode token kept for this browser tab, if any. */
export function storedDevToken() {
  return window.sessionStorage.getItem(TOKEN_KEY);
}

export function forgetDevToken() {
  window.sessionStorage.removeItem(TOKEN_KEY);
}

/**
 * Outside Teams in local mode: list the stored members and sign in as the one picked.
 * Resolves with the token; shows the server's message if the picker is not offered.
 */
export function devSignIn(container, lang) {
  const api = apiClient(async () => null, () => lang);
  return new Promise((resolve, reject) => {
    api.get("dev/members").then(
      (answer) => {
        setStrings(answer.strings || {});
        const heading = h("h1", { text: t("tab.dev.title"), attrs: { id: "dev-title" } });
        const list = h("ul", { class: "members", attrs: { "aria-labelledby": "dev-title" } });
        for (const member of answer.members) {
          const button = h("button", {
            class: "button",
            text: answer.members.some((other) => other.tenant_id !== member.tenant_id)
              ? `${member.name} (${member.tenant_name})`
              : member.name,
            attrs: { type: "button", "data-member": member.id },
            on: {
              click: () => {
                for (const other of list.querySelectorAll("button")) other.disabled = true;
                api.post("dev/sign-in", { tenant_id: member.tenant_id, member_id: member.id }).then((signed) => {
                  window.sessionStorage.setItem(TOKEN_KEY, signed.token);
                  resolve(signed.token);
                }, reject);
              },
            },
          });
          list.append(h("li", {}, button));
        }
        replace(
          container,
          h(
            "section",
            { class: "sign-in" },
            heading,
            h("p", { text: t(answer.members.length ? "tab.dev.intro" : "tab.dev.none") }),
            list,
          ),
        );
        container.setAttribute("aria-busy", "false");
      },
      reject,
    );
  });
}

/** Say what went wrong in the server's own words (its `message`), and offer to try again. */
export function showError(container, error) {
  const message = error && error.message ? error.message : String(error);
  const box = h(
    "div",
    { class: "error", attrs: { role: "alert", "data-code": error && error.code ? error.code : "" } },
    has("tab.error.title") ? h("h1", { text: t("tab.error.title") }) : null,
    h("p", { class: "error-message", text: message }),
  );
  if (has("tab.error.retry")) {
    box.append(
      h("button", {
        class: "button",
        text: t("tab.error.retry"),
        attrs: { type: "button" },
        on: { click: () => window.location.reload() },
      }),
    );
  }
  replace(container, box);
  container.setAttribute("aria-busy", "false");
}
