// A stub Teams host for the page tests: frames the tab and answers the Teams JS
// SDK's postMessage protocol (@microsoft/teams-js 2.x: src/internal/communication.ts)
// the way Teams does, from what the test put in the hash (JSON):
//   {src, frameContext, theme, locale, subPageId, teamId, token, tokenError}
// Everything the tab sent is kept in window.received; the test drives theme changes
// and saves with window.host.themeChange(theme) and window.host.save().
const options = JSON.parse(decodeURIComponent(window.location.hash.slice(1)));
const frame = document.getElementById("tab");
window.received = [];

// What a current Teams web client says it supports (runtime.ts, `supports`).
const runtime = {
  apiVersion: 4,
  hostVersionsInfo: { adaptiveCardSchemaVersion: { majorVersion: 1, minorVersion: 5 } },
  isLegacyTeams: false,
  supports: {
    app: {},
    appInstallDialog: {},
    dialog: { card: {}, url: {}, update: {} },
    pages: { appButton: {}, tabs: {}, config: {}, backStack: {}, fullTrust: {} },
    teamsCore: {},
  },
};

function context() {
  return {
    locale: options.locale || "en-US",
    theme: options.theme || "default",
    subEntityId: options.subPageId || "",
    entityId: "okr",
    frameContext: options.frameContext || "content",
    hostClientType: "web",
    hostName: "Teams",
    tid: "72f988bf-86f1-41af-91ab-2d7cd011db47",
    userObjectId: "aad-alice",
    teamId: options.teamId,
    teamName: options.teamId ? "Sales" : undefined,
    appSessionId: "session",
  };
}

function answer(request, args) {
  frame.contentWindow.postMessage({ id: request.id, uuidAsString: request.uuidAsString, args }, window.location.origin);
}

function tell(func, args) {
  frame.contentWindow.postMessage({ func, args }, window.location.origin);
}

const answers = {
  initialize: () => [options.frameContext || "content", "web", JSON.stringify(runtime), "2.58.0"],
  getContext: () => [context()],
  "authentication.getAuthToken": () => (options.tokenError ? [false, options.tokenError] : [true, options.token]),
  "settings.setSettings": () => [true],
  "settings.setValidityState": () => [true],
  executeDeepLink: () => [true],
};

window.addEventListener("message", (event) => {
  if (event.source !== frame.contentWindow || !event.data || typeof event.data.func !== "string") return;
  const request = event.data;
  window.received.push({ func: request.func, args: request.args });
  const reply = answers[request.func];
  if (reply) answer(request, reply(request.args));
});

window.host = {
  themeChange: (theme) => tell("themeChange", [theme]),
  save: () => tell("settings.save", [{}]),
  calls: (func) => window.received.filter((message) => message.func === func),
};

frame.src = options.src;
