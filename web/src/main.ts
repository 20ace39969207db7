// Tessera's pages: sign-in, then the views the user's role may use, chosen by the address hash.

import "./style.css";
import { api, ApiError, lastActive, PEEK, SessionInfo, setCsrf } from "./api";
import { fill, h } from "./dom";
import { alertsView } from "./views/alerts";
import { explorerView } from "./views/explorer";
import { matchesView } from "./views/matches";
import { profilesView, sharedProfilesView } from "./views/profiles";
import { reportView } from "./views/report";

export interface View {
  title: string;
  render(main: HTMLElement, session: SessionInfo, params: URLSearchParams): void | (() => void);
}

interface Route {
  path: string;
  label: string;
  roles: SessionInfo["role"][];
  view: View;
}

const ROUTES: Route[] = [
  { path: "report", label: "Report a concern", roles: ["submitter", "police", "analyst"], view: reportView },
  { path: "profiles", label: "Children's profiles", roles: ["submitter"], view: profilesView },
  { path: "alerts", label: "Alerts", roles: ["police", "analyst", "admin"], view: alertsView },
  { path: "missing", label: "Missing children", roles: ["police"], view: sharedProfilesView },
  { path: "explore", label: "Network explorer", roles: ["analyst", "admin"], view: explorerView },
  { path: "matches", label: "Possible matches", roles: ["analyst", "admin"], view: matchesView },
];

const HOME: Record<SessionInfo["role"], string> = {
  submitter: "report",
  police: "alerts",
  analyst: "explore",
  admin: "alerts",
};

const app = document.getElementById("app") as HTMLElement;
let session: SessionInfo | null = null;
let cleanup: (() => void) | void = undefined;
let idleTimer = 0;

function signedOut(message: string): void {
  session = null;
  if (cleanup) cleanup();
  cleanup = undefined;
  window.clearInterval(idleTimer);
  showSignIn(message);
}

function showSignIn(message = ""): void {
  document.title = "Sign in – Tessera";
  const error = h("div", { class: "error-summary", role: "alert", tabindex: "-1" });
  error.hidden = !message;
  if (message) error.append(h("p", {}, message));
  const user = h("input", { id: "user", name: "user", autocomplete: "username", required: true });
  const password = h("input", {
    id: "password",
    name: "password",
    type: "password",
    autocomplete: "current-password",
    required: true,
  });
  const button = h("button", { type: "submit", class: "primary" }, "Sign in");
  const form = h(
    "form",
    { class: "sign-in", novalidate: true },
    h("h1", {}, "Sign in to Tessera"),
    h("p", { class: "intro" }, "Sharing intelligence to keep children safe from exploitation."),
    error,
    h("div", { class: "field" }, h("label", { for: "user" }, "User name"), user),
    h("div", { class: "field" }, h("label", { for: "password" }, "Password"), password),
    button,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!user.value.trim() || !password.value) {
      fill(error, h("p", {}, "Enter your user name and password."));
      error.hidden = false;
      error.focus();
      return;
    }
    button.disabled = true;
    try {
      const info = await api<SessionInfo>("POST", "/api/session", {
        user: user.value.trim(),
        password: password.value,
      });
      password.value = "";
      start(info);
    } catch (e) {
      const text =
        e instanceof ApiError && e.status === 401
          ? "The user name or password is not right."
          : e instanceof Error
            ? e.message
            : String(e);
      fill(error, h("p", {}, text));
      error.hidden = false;
      error.focus();
    } finally {
      button.disabled = false;
    }
  });
  fill(app, h("main", { id: "main", tabindex: "-1", class: "narrow" }, form));
  user.focus();
}

function start(info: SessionInfo): void {
  session = info;
  setCsrf(info.csrf_token);
  window.clearInterval(idleTimer);
  // The server ends the session after the idle timeout; the page follows it.
  idleTimer = window.setInterval(() => {
    if (session && Date.now() - lastActive() > session.idle_timeout_s * 1000) {
      void api("GET", PEEK).catch(() =>
        signedOut("You were signed out after a time without activity. Any draft is kept."),
      );
    }
  }, 30_000);
  if (!location.hash.startsWith("#/")) location.hash = `#/${HOME[info.role]}`;
  else route();
}

function shell(current: Route, s: SessionInfo): HTMLElement {
  const signOut = h("button", { type: "button", class: "link-button" }, "Sign out");
  signOut.addEventListener("click", async () => {
    try {
      await api("DELETE", "/api/session");
    } finally {
      location.hash = "";
      signedOut("You have signed out.");
    }
  });
  const links = ROUTES.filter((r) => r.roles.includes(s.role)).map((r) =>
    h(
      "li",
      {},
      h("a", { href: `#/${r.path}`, "aria-current": r === current ? "page" : null }, r.label),
    ),
  );
  return h(
    "header",
    { class: "site-header" },
    h("span", { class: "brand" }, "Tessera"),
    h("nav", { "aria-label": "Main" }, h("ul", {}, ...links)),
    h(
      "div",
      { class: "who" },
      h("span", {}, `${s.user} · ${s.role} · ${s.agency}`),
      signOut,
    ),
  );
}

function route(): void {
  if (!session) return;
  const hash = location.hash;
  if (!hash.startsWith("#/")) return; // in-page links such as "skip to content"
  const [path, search] = hash.slice(2).split("?");
  const s = session;
  const found = ROUTES.find((r) => r.path === path && r.roles.includes(s.role));
  if (!found) {
    location.hash = `#/${HOME[s.role]}`;
    return;
  }
  if (cleanup) cleanup();
  const main = h("main", { id: "main", tabindex: "-1" });
  fill(app, shell(found, s), main, h("div", { id: "announcer", class: "visually-hidden", "aria-live": "polite" }));
  document.title = `${found.view.title} – Tessera`;
  cleanup = found.view.render(main, s, new URLSearchParams(search ?? ""));
}

window.addEventListener("hashchange", route);
window.addEventListener("tessera:signed-out", () =>
  signedOut("You were signed out (or your session timed out). Sign in again; any draft is kept."),
);

api<SessionInfo>("GET", "/api/session")
  .then(start)
  .catch(() => showSignIn());
