// Shared start of the tab and its configuration page: host, theme, sign-in, session.
import { ApiError, apiClient } from "./api.js";
import {
  applyTheme,
  connectTeams,
  devSignIn,
  followTheme,
  forgetDevToken,
  langOf,
  showError,
  storedDevToken,
  teamsToken,
} from "./host.js";
import { setStrings } from "./strings.js";

/**
 * Sign in and read the session. Resolves with `{api, session, context}` (`context`
 * is Teams' or null), or null once it has shown why it cannot (the server's message).
 */
export async function start(container, askedLang) {
  const context = await connectTeams();
  let lang = askedLang || langOf(context ? context.app.locale : null);
  applyTheme(context ? context.app.theme : null);
  let getToken;
  if (context) {
    followTheme();
    // Without a token (consent refused, sign-in failed) the server answers 401
    // no_token with a message in plain words, in the person's language.
    getToken = () => teamsToken().catch(() => null);
  } else {
    let token = storedDevToken();
    if (!token) {
      try {
        token = await devSignIn(container, lang || langOf(navigator.language));
      } catch (error) {
        showError(container, error);
        return null;
      }
    }
    getToken = async () => token;
  }
  const api = apiClient(getToken, () => lang);
  let session;
  try {
    session = await api.get("session");
  } catch (error) {
    if (!context && error instanceof ApiError && error.status === 401 && storedDevToken()) {
      // A token of an earlier run of the app: sign in again.
      forgetDevToken();
      return start(container, askedLang);
    }
    showError(container, error);
    return null;
  }
  lang = session.lang;
  document.documentElement.lang = session.lang;
  setStrings(session.strings);
  return { api, session, context };
}
