// The team tab's configuration page: pick one of the person's teams; Teams saves
// the tab's contentUrl as `index.html?view=team&team=…` (docs/tab.md).
import { start } from "./boot.js";
import { h, replace } from "./dom.js";
import { showError } from "./host.js";
import { t } from "./strings.js";

const content = document.getElementById("content");
const teams = window.microsoftTeams;

function tabUrl(team) {
  const url = new URL("index.html", window.location.href);
  url.search = new URLSearchParams({ view: "team", team: team.id }).toString();
  return url.toString();
}

async function main() {
  const app = await start(content, null);
  if (!app) return;
  const { teams: choices } = await app.api.get("teams");
  let chosen = null;
  if (app.context) {
    teams.pages.config.registerOnSaveHandler((saveEvent) => {
      if (!chosen) {
        saveEvent.notifyFailure("no team");
        return;
      }
      teams.pages.config
        .setConfig({
          entityId: `okr-team-${chosen.id}`,
          contentUrl: tabUrl(chosen),
          websiteUrl: tabUrl(chosen),
          suggestedDisplayName: chosen.name,
        })
        .then(
          () => saveEvent.notifySuccess(),
          (error) => saveEvent.notifyFailure(String(error)),
        );
    });
    teams.pages.config.setValidityState(false);
  }
  const current = app.context && app.context.team ? app.context.team.internalId : null;
  const list = h("div", { class: "choices" });
  for (const team of choices) {
    const id = `team-${team.id}`;
    const radio = h("input", {
      attrs: { type: "radio", name: "team", id, value: team.id },
      on: {
        change: () => {
          chosen = team;
          document.body.dataset.chosen = team.id;
          if (app.context) teams.pages.config.setValidityState(true);
        },
      },
    });
    list.append(h("div", { class: "choice" }, radio, h("label", { text: team.name, attrs: { for: id } })));
    if (team.id === current) {
      radio.checked = true;
      radio.dispatchEvent(new Event("change"));
    }
  }
  replace(
    content,
    h(
      "form",
      { class: "config", on: { submit: (event) => event.preventDefault() } },
      h(
        "fieldset",
        {},
        h("legend", { text: t("tab.config.title") }),
        choices.length ? list : h("p", { class: "empty", text: t("tab.config.none") }),
      ),
    ),
  );
  content.setAttribute("aria-busy", "false");
  document.body.dataset.shown = "config";
}

main().catch((error) => {
  showError(content, error);
  document.body.dataset.shown = "error";
});
