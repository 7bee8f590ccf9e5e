// Governance: who may read PII and SENSITIVE values (grants), and a feature group's life: archive,
// unarchive, delete (refused while training sets or models depend on it), and the deletion's receipt.
import { api, segment, ApiError } from "./api.js";
import { h, table, facts, time, heading, errorMessage, navigate, announce, append } from "./html.js";
import { progressUntilReceipt } from "./jobs.js";
import { identity } from "./roles.js";
import { modelsTable, trainingSetLink } from "./links.js";

const ROLES = ["ADMIN", "DATA_SCIENTIST", "MODEL_SERVER", "COMPLIANCE"];
const CLASSES = ["PII", "SENSITIVE"];
const SCOPES = [
  ["OFFLINE", "offline: training sets, downloads, previews"],
  ["ONLINE", "online: lookups"],
];

/** The grants in force; an administrator adds and revokes them, compliance reads them. */
export async function grantsPage() {
  const grants = await api.get("/grants");
  const mayChange = identity.role === "ADMIN";
  const status = h("div", { "aria-live": "polite" });
  const redraw = () => window.dispatchEvent(new PopStateEvent("popstate"));
  const revoke = async (button, grant) => {
    button.disabled = true;
    try {
      await api.delete(`/grants/${segment(grant.id)}`);
      announce(`Grant to ${holder(grant)} revoked`);
      redraw();
    } catch (error) {
      button.disabled = false;
      status.replaceChildren(errorMessage(error));
    }
  };
  const page = h(
    "section",
    {},
    heading("Grants"),
    h("p", {}, "Which API keys and roles may read features classified PII or SENSITIVE, offline and online. Everyone else is refused (403, naming the features)."),
    table(
      "Grants in force (oldest first)",
      ["Holder", "Classes", "Scopes", "Granted", "By", ...(mayChange ? ["Action"] : [])],
      grants.map((grant) => [
        holder(grant),
        grant.classes.join(", "),
        grant.scopes.join(", ").toLowerCase(),
        time(grant.createdAt),
        grant.createdBy,
        ...(mayChange
          ? [h("button", { type: "button", class: "danger", onclick: (event) => revoke(event.currentTarget, grant) }, `Revoke grant to ${holder(grant)}`)]
          : []),
      ]),
      "no grants: only PUBLIC and INTERNAL features are readable.",
    ),
    status,
  );
  if (mayChange) {
    append(page, grantForm(status, redraw));
  }
  return page;
}

function holder(grant) {
  return grant.role ? `role ${grant.role}` : `key ${grant.apiKeyId}`;
}

function grantForm(status, redraw) {
  const role = h(
    "select",
    { id: "grant-role", name: "role" },
    h("option", { value: "" }, "(a single API key, below)"),
    ROLES.map((name) => h("option", { value: name }, name)),
  );
  const apiKeyId = h("input", { id: "grant-key", name: "apiKeyId", autocomplete: "off", "aria-describedby": "grant-key-help" });
  const checkboxes = (legend, name, options) =>
    h(
      "fieldset",
      { class: "choices" },
      h("legend", {}, legend),
      options.map(([value, label]) => {
        const id = `grant-${name}-${value.toLowerCase()}`;
        return h("span", {}, h("input", { type: "checkbox", id, name, value }), h("label", { for: id }, label));
      }),
    );
  const form = h(
    "form",
    { class: "grant-form" },
    h("h2", {}, "Add a grant"),
    h("div", { class: "field" }, h("label", { for: "grant-role" }, "Role"), role),
    h(
      "div",
      { class: "field" },
      h("label", { for: "grant-key" }, "Or API key id"),
      apiKeyId,
      h("p", { id: "grant-key-help", class: "help" }, "Grant to every key of a role, or to one key: not both."),
    ),
    checkboxes("Classes", "classes", CLASSES.map((name) => [name, name])),
    checkboxes("Scopes", "scopes", SCOPES),
    h("button", { type: "submit" }, "Add grant"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const checked = (name) => [...form.querySelectorAll(`input[name=${name}]:checked`)].map((box) => box.value);
    const request = { classes: checked("classes"), scopes: checked("scopes") };
    if (role.value !== "") {
      request.role = role.value;
    }
    if (apiKeyId.value.trim() !== "") {
      request.apiKeyId = apiKeyId.value.trim();
    }
    try {
      const grant = await api.post("/grants", request);
      announce(`Granted ${grant.classes.join(", ")} to ${holder(grant)}`);
      redraw();
    } catch (error) {
      status.replaceChildren(errorMessage(error));
    }
  });
  return form;
}

/**
 * The feature group page's lifecycle section: archive or unarchive (ADMIN, DATA_SCIENTIST), delete
 * (ADMIN). A deletion refused because training sets or models depend on the group shows them, with
 * the choice to delete anyway.
 */
export function groupLifecycle(group) {
  const mayArchive = ["ADMIN", "DATA_SCIENTIST"].includes(identity.role);
  const mayDelete = identity.role === "ADMIN";
  if (!mayArchive && !mayDelete) {
    return null;
  }
  const path = `/feature-groups/${segment(group.name)}`;
  const outcome = h("div", { id: "lifecycle-outcome" });
  const archival = async (button, action) => {
    button.disabled = true;
    try {
      await api.post(`${path}/${action}`);
      announce(`Feature group ${group.name} ${action}d`);
      window.dispatchEvent(new PopStateEvent("popstate"));
    } catch (error) {
      button.disabled = false;
      outcome.replaceChildren(errorMessage(error));
    }
  };
  const remove = async (button, force) => {
    button.disabled = true;
    try {
      const accepted = await api.delete(`${path}${force ? "?force=true" : ""}`);
      announce(`Deleting feature group ${group.name}`);
      navigate(`/feature-group-deletions/${segment(accepted.id)}`);
    } catch (error) {
      button.disabled = false;
      outcome.replaceChildren(
        error instanceof ApiError && error.status === 409 && error.problem.trainingSets
          ? dependents(group, error, (again) => remove(again, true))
          : errorMessage(error),
      );
      outcome.querySelector("h3")?.focus();
    }
  };
  const archived = Boolean(group.archivedAt);
  return h(
    "section",
    { "aria-labelledby": "lifecycle-heading" },
    h("h2", { id: "lifecycle-heading" }, "Lifecycle"),
    archived
      ? h("p", {}, "Archived ", time(group.archivedAt), ": it takes no commits or compactions; everything stored stays readable.")
      : null,
    h(
      "div",
      { class: "actions" },
      mayArchive
        ? h(
            "button",
            { type: "button", onclick: (event) => archival(event.currentTarget, archived ? "unarchive" : "archive") },
            archived ? "Unarchive" : "Archive",
          )
        : null,
      mayDelete
        ? h("button", { type: "button", class: "danger", onclick: (event) => remove(event.currentTarget, false) }, "Delete feature group")
        : null,
    ),
    outcome,
  );
}

/** The 409 answer to a deletion: who depends on the group, and the way to delete it anyway. */
function dependents(group, error, deleteAnyway) {
  return h(
    "div",
    { class: "confirmation" },
    h("h3", { tabindex: "-1" }, "Deletion refused: others depend on this group"),
    errorMessage(error),
    table(
      "Training sets that read it (to rebuild)",
      ["Training set"],
      error.problem.trainingSets.map((set) => [trainingSetLink(set)]),
    ),
    modelsTable("Models trained on them (to retrain)", error.problem.models ?? []),
    h(
      "div",
      { class: "actions" },
      h(
        "button",
        { type: "button", class: "danger", onclick: (event) => deleteAnyway(event.currentTarget) },
        `Delete ${group.name} anyway`,
      ),
    ),
  );
}

/** A group deletion's live progress, then its receipt. */
export async function deletionReceiptPage({ params: [id], signal }) {
  const deletion = await api.get(`/feature-group-deletions/${segment(id)}`);
  const finished = Boolean(deletion.completedAt) || ["FAILED", "CANCELLED"].includes(deletion.status);
  const page = h("section", { class: "receipt" }, heading(`Deletion receipt of ${deletion.featureGroup}`));
  if (!finished) {
    append(page, progressUntilReceipt(deletion.jobId, signal, "The deletion finished"));
  }
  append(page,
    facts([
      ["Deletion", h("code", {}, deletion.id)],
      ["Feature group", deletion.featureGroup],
      ["Status", deletion.status],
      ["Dependents", deletion.policy === "DELETE_ANYWAY" ? "deleted anyway" : "none found"],
      ["Requested", time(deletion.createdAt)],
      ["Completed", time(deletion.completedAt)],
      ["Objects deleted", String(deletion.objectsDeleted)],
    ]),
    table(
      "Training sets to rebuild",
      ["Training set"],
      deletion.trainingSetsToRebuild.map((set) => [trainingSetLink(set)]),
    ),
    modelsTable("Models to retrain", deletion.modelsToRetrain),
    finished ? h("p", { class: "no-print" }, h("button", { type: "button", onclick: () => window.print() }, "Print receipt")) : null,
  );
  return page;
}
