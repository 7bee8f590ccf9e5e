// The audit log: filters in the URL (so a filtered view can be bookmarked), pages of entries, and
// the shown entries as CSV.
import { api, segment } from "./api.js";
import { h, table, link, time, heading, saveFile, navigate } from "./html.js";

const ACTIONS = [
  "CREATE", "UPDATE", "COMMIT", "REVOKE", "BUILD", "LINEAGE_QUERY", "ERASE", "LIFT_TOMBSTONE", "ARCHIVE", "UNARCHIVE", "DELETE",
  "SUBJECT_ACCESS", "PREVIEW", "READ", "EXPIRE",
];
const TARGET_TYPES = ["ENTITY", "FEATURE_GROUP", "API_KEY", "TRAINING_SET", "MODEL", "ENTITY_KEY", "UPLOAD", "GRANT"];
/** Filters the API answers; the action is filtered here, in the page, from what it returned. */
const SERVER_FILTERS = ["apiKey", "entity", "key", "targetType", "target", "since"];
// The log holds keyed digests, never keys in clear (compliance.md, "No keys in clear"): the page
// counts them and shows each digest's start, enough to tell entries apart.
const keyDigests = (digests) =>
  `${digests.length} ${digests.length === 1 ? "key" : "keys"} (${digests.map((digest) => `${digest.slice(0, 8)}…`).join(", ")})`;

const COLUMNS = ["occurredAt", "principal", "apiKeyId", "action", "targetType", "target", "entity", "keyDigests", "details"];

export async function auditPage({ query }) {
  const serverQuery = new URLSearchParams();
  for (const name of SERVER_FILTERS) {
    if (query.get(name)) {
      serverQuery.set(name, query.get(name));
    }
  }
  const action = query.get("action") ?? "";
  const entries = [];
  const results = h("div", {});
  let nextBefore = null;

  const loadPage = async () => {
    const page = new URLSearchParams(serverQuery);
    if (nextBefore !== null) {
      page.set("before", nextBefore);
    }
    const answer = await api.get(`/audit?${page}`);
    entries.push(...answer.entries.filter((entry) => action === "" || entry.action === action));
    nextBefore = answer.nextBefore ?? null;
    draw();
  };

  const draw = () => {
    results.replaceChildren(
      table(
        "Audit entries, newest first",
        ["When", "Caller", "Action", "Subject", "Entity and key digests", "Details"],
        entries.map((entry) => [
          time(entry.occurredAt),
          entry.principal,
          entry.action,
          subject(entry),
          entry.entity ? `${entry.entity}: ${keyDigests(entry.keyDigests ?? [])}` : "",
          JSON.stringify(entry.details ?? {}),
        ]),
        "no entries match.",
      ),
      h(
        "div",
        { class: "actions" },
        nextBefore === null ? null : h("button", { type: "button", onclick: loadPage }, "Load older entries"),
        h("button", { type: "button", onclick: () => saveFile(new Blob([csv(entries)], { type: "text/csv" }), "audit.csv") }, "Export CSV"),
      ),
    );
  };

  await loadPage();
  return h("section", {}, heading("Audit log"), filterForm(query), results);
}

function filterForm(query) {
  const field = (name, label, control) =>
    h("div", { class: "field" }, h("label", { for: `audit-${name}` }, label), control);
  const text = (name) => h("input", { id: `audit-${name}`, name, value: query.get(name) ?? "", autocomplete: "off" });
  const choice = (name, values) =>
    h(
      "select",
      { id: `audit-${name}`, name },
      h("option", { value: "" }, "any"),
      values.map((value) => h("option", { value, selected: query.get(name) === value }, value)),
    );
  const since = h("input", {
    id: "audit-since",
    name: "since",
    type: "datetime-local",
    value: query.get("since") ? query.get("since").slice(0, 16) : "",
  });
  return h(
    "form",
    {
      class: "filters",
      onsubmit: (event) => {
        event.preventDefault();
        const chosen = new URLSearchParams();
        for (const [name, value] of new FormData(event.currentTarget)) {
          if (value !== "") {
            // datetime-local has no zone: the filter is read as UTC, as the API's times are.
            chosen.set(name, name === "since" ? `${value}:00Z` : value);
          }
        }
        navigate(`/audit?${chosen}`);
      },
    },
    field("apiKey", "Caller (API key id)", text("apiKey")),
    field("action", "Action", choice("action", ACTIONS)),
    field("targetType", "Subject type", choice("targetType", TARGET_TYPES)),
    field("target", "Subject", text("target")),
    field("entity", "Entity", text("entity")),
    field("key", "Key", text("key")),
    field("since", "Since (UTC)", since),
    h("button", { type: "submit" }, "Filter"),
  );
}

/** The subject of the entry; an erasure's links to its receipt. */
function subject(entry) {
  return entry.action === "ERASE"
    ? ["erasure ", link(`/erasures/${segment(entry.target)}`, entry.target)]
    : `${entry.targetType} ${entry.target}`;
}

function csv(entries) {
  const quote = (value) => `"${String(value ?? "").replaceAll('"', '""')}"`;
  const cell = (entry, column) =>
    column === "keyDigests" ? (entry.keyDigests ?? []).join(" ") : column === "details" ? JSON.stringify(entry.details ?? {}) : entry[column];
  return [COLUMNS.join(","), ...entries.map((entry) => COLUMNS.map((column) => quote(cell(entry, column))).join(","))].join("\r\n") + "\r\n";
}
