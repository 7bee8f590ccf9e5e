// The console's shell: sign-in, the navigation its role allows, and the router that draws the page
// for the URL, so that every page can be bookmarked and shared.
import { api, session, ApiError } from "./api.js";
import { h, heading, errorMessage, announce, navigate } from "./html.js";
import * as catalog from "./catalog.js";
import * as training from "./training.js";
import * as lineage from "./lineage.js";
import * as erasure from "./erasure.js";
import * as audit from "./audit.js";
import * as governance from "./governance.js";
import { identity, setIdentity, areasOfRole, mayUse } from "./roles.js";

/** Path patterns (after /console) and the page each one draws. */
const ROUTES = [
  { pattern: /^\/?$/, area: "catalog", page: catalog.catalogPage },
  { pattern: /^\/catalog$/, area: "catalog", page: catalog.catalogPage },
  { pattern: /^\/feature-groups\/([^/]+)$/, area: "catalog", page: catalog.featureGroupPage },
  { pattern: /^\/training-sets$/, area: "training", page: training.trainingSetsPage },
  { pattern: /^\/training-sets\/([^/]+)$/, area: "training", page: training.trainingSetPage },
  { pattern: /^\/models\/([^/]+)\/([^/]+)$/, area: "training", page: training.modelPage },
  { pattern: /^\/lineage$/, area: "lineage", page: lineage.lineageFormPage },
  { pattern: /^\/lineage\/([^/]+)\/([^/]+)$/, area: "lineage", page: lineage.keyLineagePage },
  { pattern: /^\/erasures$/, area: "erasure", page: erasure.erasureFormPage },
  { pattern: /^\/erasures\/([^/]+)$/, area: "erasure", page: erasure.receiptPage },
  { pattern: /^\/audit$/, area: "audit", page: audit.auditPage },
  { pattern: /^\/grants$/, area: "governance", page: governance.grantsPage },
  { pattern: /^\/feature-group-deletions\/([^/]+)$/, area: "governance", page: governance.deletionReceiptPage },
];

const main = document.getElementById("main");
const navigation = document.getElementById("navigation");
const identityArea = document.getElementById("identity");

let currentPage = new AbortController();

function consolePath() {
  return location.pathname.replace(/^\/console/, "") || "/";
}

async function render() {
  currentPage.abort();
  currentPage = new AbortController();
  if (identity === null) {
    showSignIn();
    return;
  }
  const signal = currentPage.signal;
  drawNavigation();
  const path = consolePath();
  const route = ROUTES.find((candidate) => candidate.pattern.test(path));
  let view;
  if (!route) {
    view = h("section", {}, heading("Page not found"), h("p", {}, "The console has no page at this address."));
  } else if (!mayUse(route.area)) {
    view = h(
      "section",
      {},
      heading("Not available"),
      h("p", {}, `A key with the role ${identity.role} cannot use this page.`),
    );
  } else {
    const params = path.match(route.pattern).slice(1).map(decodeURIComponent);
    const context = { params, query: new URLSearchParams(location.search), signal, identity };
    try {
      view = await route.page(context);
    } catch (error) {
      view = h("section", {}, heading("Could not load this page"), errorMessage(error));
    }
  }
  if (signal.aborted) {
    return; // another page was asked for meanwhile
  }
  main.replaceChildren(view);
  document.title = `${main.querySelector("h1")?.textContent ?? "Console"} · Feature store console`;
  main.querySelector("h1")?.focus();
}

function drawNavigation() {
  const path = consolePath();
  const areas = areasOfRole();
  navigation.replaceChildren(
    h(
      "ul",
      {},
      areas.map((entry) =>
        h(
          "li",
          {},
          h(
            "a",
            { href: "/console" + entry.path, "aria-current": path.startsWith(entry.path) ? "page" : null },
            entry.label,
          ),
        ),
      ),
    ),
  );
  if (areas.length === 0) {
    navigation.replaceChildren(
      h("p", {}, `A key with the role ${identity.role} reads online features only; the console has nothing to show it.`),
    );
  }
  identityArea.replaceChildren(
    h("span", {}, "Signed in as ", h("strong", {}, identity.name ?? "(unnamed key)"), ` (${identity.role})`),
    h("button", { type: "button", onclick: signOut }, "Sign out"),
  );
}

function showSignIn(refusal) {
  navigation.replaceChildren();
  identityArea.replaceChildren();
  const keyInput = h("input", {
    id: "api-key",
    name: "api-key",
    type: "password",
    autocomplete: "off",
    required: true,
    "aria-describedby": "api-key-help",
  });
  const form = h(
    "form",
    { class: "sign-in", onsubmit: (event) => signIn(event, keyInput.value.trim()) },
    h("label", { for: "api-key" }, "API key"),
    keyInput,
    h(
      "p",
      { id: "api-key-help", class: "help" },
      "The key stays in this browser tab until you sign out or close the tab. At first start the server writes an administrator key to its log and to admin.key in its data folder.",
    ),
    refusal ? h("p", { class: "error", role: "alert" }, refusal) : null,
    h("button", { type: "submit" }, "Sign in"),
  );
  main.replaceChildren(h("section", {}, heading("Sign in"), form));
  document.title = "Sign in · Feature store console";
  (refusal ? keyInput : main.querySelector("h1")).focus();
}

async function signIn(event, key) {
  event.preventDefault();
  if (key === "") {
    showSignIn("Enter an API key.");
    return;
  }
  try {
    setIdentity(await api.whoIs(key));
    session.signIn(key);
    announce(`Signed in as ${identity.name} (${identity.role})`);
    render();
  } catch (error) {
    showSignIn(
      error instanceof ApiError && error.status === 401
        ? "This API key was refused: it is unknown or revoked."
        : `Could not sign in: ${error.message}`,
    );
  }
}

function signOut() {
  session.signOut();
  setIdentity(null);
  announce("Signed out");
  render();
}

/** Links inside the console change the page without reloading it (and without losing the key). */
document.addEventListener("click", (event) => {
  const anchor = event.target.closest("a[href^='/console']");
  if (!anchor || anchor.hasAttribute("download") || event.defaultPrevented || event.button !== 0 ||
      event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
    return;
  }
  event.preventDefault();
  const url = new URL(anchor.href);
  navigate(url.pathname.replace(/^\/console/, "") + url.search);
});
window.addEventListener("popstate", render);

async function start() {
  const key = session.key();
  if (key !== null) {
    try {
      setIdentity(await api.whoIs(key));
    } catch {
      session.signOut();
    }
  }
  render();
}

start();
