// Erasure: a form, a confirmation naming what would be rewritten and which models must be
// retrained (from POST /api/v1/erasures/preview), then the job's live progress and the receipt.
import { api, segment } from "./api.js";
import { h, table, facts, time, heading, errorMessage, navigate, announce, append } from "./html.js";
import { entityField } from "./lineage.js";
import { progressUntilReceipt } from "./jobs.js";
import { commitList, groupLink, modelsTable, trainingSetLink } from "./links.js";

export async function erasureFormPage({ query }) {
  const entityChooser = await entityField("erasure-entity", query.get("entity"));
  const keys = h("textarea", { id: "erasure-keys", name: "keys", rows: 4, required: true, "aria-describedby": "erasure-keys-help" },
    query.get("key") ?? "");
  const reason = h("input", { id: "erasure-reason", name: "reason", required: true, autocomplete: "off" });
  const confirmation = h("div", { id: "erasure-confirmation" });
  const form = h(
    "form",
    { class: "erasure-form", onsubmit: (event) => review(event) },
    entityChooser,
    h(
      "div",
      { class: "field" },
      h("label", { for: "erasure-keys" }, "Keys"),
      keys,
      h("p", { id: "erasure-keys-help", class: "help" }, "One key per line."),
    ),
    h("div", { class: "field" }, h("label", { for: "erasure-reason" }, "Reason"), reason),
    h("button", { type: "submit" }, "Review erasure"),
  );

  const request = () => ({
    entity: entityChooser.querySelector("select").value,
    keys: keys.value.split("\n").map((key) => key.trim()).filter((key) => key !== ""),
    reason: reason.value.trim(),
  });

  async function review(event) {
    event.preventDefault();
    const wanted = request();
    confirmation.replaceChildren(h("p", { role: "status" }, "Finding what the erasure would rewrite…"));
    try {
      const preview = await api.post("/erasures/preview", { entity: wanted.entity, keys: wanted.keys });
      confirmation.replaceChildren(confirm(wanted, preview));
      confirmation.querySelector("h2").focus();
    } catch (error) {
      confirmation.replaceChildren(errorMessage(error));
    }
  }

  function confirm(wanted, preview) {
    const erase = async (button) => {
      button.disabled = true;
      try {
        const started = await api.post("/erasures", wanted);
        announce("Erasure started");
        navigate(`/erasures/${segment(started.id)}`);
      } catch (error) {
        button.disabled = false;
        button.after(errorMessage(error));
      }
    };
    const keyCount = `${preview.keys.length} key${preview.keys.length === 1 ? "" : "s"}`;
    return h(
      "section",
      { class: "confirmation", "aria-labelledby": "confirmation-heading" },
      h("h2", { id: "confirmation-heading", tabindex: "-1" }, `Confirm: erase ${keyCount} of ${preview.entity}`),
      h("p", {}, "Erasure removes every row of these keys from every version of every group, and cannot be undone."),
      table(
        "Feature groups whose files will be rewritten",
        ["Feature group", "Commits that wrote the keys' rows", "Keys found"],
        preview.featureGroupsToRewrite.map((group) => [
          groupLink(group.name),
          commitList(group.commits),
          String(group.keys),
        ]),
        "none hold these keys.",
      ),
      table(
        "Training sets whose outputs will be rewritten",
        ["Training set", "The keys were used as"],
        preview.trainingSetsToRewrite.map((set) => [
          trainingSetLink(set),
          set.usedAs.join(", ").toLowerCase(),
        ]),
      ),
      modelsTable("Models that must be retrained", preview.modelsToRetrain),
      h(
        "div",
        { class: "actions" },
        h("button", { type: "button", class: "danger", onclick: (event) => erase(event.currentTarget) }, `Erase ${keyCount}`),
        h("button", { type: "button", onclick: () => { confirmation.replaceChildren(); keys.focus(); } }, "Cancel"),
      ),
    );
  }

  return h(
    "section",
    {},
    heading("Erase keys"),
    h("p", {}, "Remove a data subject's rows everywhere: feature files, uploaded spines and training-set outputs."),
    form,
    confirmation,
  );
}

/** The erasure's live progress, then its receipt, which prints on its own. */
export async function receiptPage({ params: [id], signal }) {
  const [erasure, trainingSets] = await Promise.all([api.get(`/erasures/${segment(id)}`), api.all("/training-sets")]);
  const trainingSetNames = new Map(trainingSets.map((set) => [set.id, set.name]));
  const finished = erasure.completedAt || ["SUCCEEDED", "FAILED", "CANCELLED"].includes(erasure.status);
  const page = h("section", { class: "receipt" }, heading(`Erasure receipt`));
  if (!finished) {
    append(page, progressUntilReceipt(erasure.id, signal, "The erasure finished"));
  }
  append(page,
    facts([
      ["Erasure", h("code", {}, erasure.id)],
      ["Status", erasure.status],
      ["Entity", erasure.entity],
      ["Keys", String(erasure.keyCount)],
      ["Reason", erasure.reason],
      ["Requested", time(erasure.createdAt)],
      ["Completed", time(erasure.completedAt)],
      ["Files rewritten", String(erasure.filesRewritten)],
      ["Rows removed", String(erasure.rowsRemoved)],
      ["Iceberg snapshots expired", String(erasure.icebergSnapshotsExpired ?? 0)],
    ]),
    Object.keys(erasure.icebergSnapshotsExpiredByTable ?? {}).length === 0
      ? null
      : table(
          "Iceberg snapshots expired (they named a rewritten file)",
          ["Table", "Snapshots"],
          Object.entries(erasure.icebergSnapshotsExpiredByTable).map(([name, count]) => [h("code", {}, name), String(count)]),
        ),
    table(
      "Training sets affected",
      ["Training set"],
      erasure.trainingSetsAffected.map((setId) => [trainingSetLink({ id: setId, name: trainingSetNames.get(setId) })]),
    ),
    modelsTable("Models to retrain", erasure.modelsToRetrain),
    (erasure.unreadableObjects ?? []).length === 0
      ? null
      : table(
          "Objects that could not be read (not rewritten)",
          ["Object", "Problem"],
          erasure.unreadableObjects.map((object) => [object.objectKey ?? JSON.stringify(object), object.reason ?? ""]),
        ),
    finished ? h("p", { class: "no-print" }, h("button", { type: "button", onclick: () => window.print() }, "Print receipt")) : null,
  );
  return page;
}
