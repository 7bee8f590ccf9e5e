// Training sets (own or all, as the role sees them), a page per set, and a page per model.
import { api, segment } from "./api.js";
import { h, table, facts, link, time, heading, saveFile, errorMessage, announce, append } from "./html.js";
import { jobProgress } from "./jobs.js";
import { identity } from "./roles.js";
import { catalogVersion, commitList, groupLink, modelPath, trainingSetLink, trainingSetsTable } from "./links.js";

const DOWNLOADS = [
  { format: "parquet", label: "Parquet", accept: "application/vnd.apache.parquet" },
  { format: "csv", label: "CSV", accept: "text/csv" },
  { format: "json", label: "JSON", accept: "application/json" },
  { format: "arrow", label: "Arrow stream", accept: "application/vnd.apache.arrow.stream" },
];

export async function trainingSetsPage() {
  const sets = await api.all("/training-sets");
  const whose = identity.role === "DATA_SCIENTIST" ? "Your training sets" : "All training sets";
  return h(
    "section",
    {},
    heading("Training sets"),
    table(
      whose,
      ["Name", "Status", "Rows", "Created", "Completed"],
      sets.map((set) => [
        trainingSetLink(set),
        set.status,
        String(set.rows),
        time(set.createdAt),
        time(set.completedAt),
      ]),
    ),
  );
}

export async function trainingSetPage({ params: [id], signal }) {
  const [set, models] = await Promise.all([api.get(`/training-sets/${segment(id)}`), api.all("/models")]);
  const trainedOn = models.filter((model) => model.trainingSets.includes(set.id));
  const request = set.request ?? {};
  const section = h(
    "section",
    {},
    heading(`Training set ${set.name ?? set.id}`),
    facts([
      ["Id", set.id],
      ["Status", set.status],
      ["Rows", String(set.rows)],
      ["Rows erased since", String(set.rowsErased)],
      ["Spine", spineOf(request.spine)],
      ["As of", request.asOf],
      ["Catalog version", catalogVersion(set.catalogVersion)],
      ["Output hash", set.outputHash ? h("code", {}, set.outputHash) : null],
      ["Created", time(set.createdAt)],
      ["Completed", time(set.completedAt)],
      ["Purpose", request.purpose ? `${request.purpose} (${set.rowsWithoutConsent} spine rows without consent, ${(request.consentPolicy ?? "EXCLUDE").toLowerCase().replace("_", " ")})` : "none declared"],
      ["Retention", set.retention ? [`${set.retention} after it was built`, set.expiresAt ? [": expires ", time(set.expiresAt)] : null] : "kept for ever"],
      set.status === "EXPIRED" ? ["Output deleted", [time(set.outputDeletedAt), " (expired ", time(set.expiredAt), "): no longer downloadable"]] : null,
      ["Error", set.error],
    ].filter(Boolean)),
  );
  if (set.status === "PENDING" || set.status === "RUNNING") {
    append(section,
      h("h2", {}, "Job"),
      jobProgress(set.id, signal, () => {
        announce("The training set's job finished");
        window.dispatchEvent(new PopStateEvent("popstate")); // draws the page again, finished
      }),
    );
  }
  append(section,
    table(
      "Features",
      ["Feature", "As"],
      (request.features ?? []).map((feature) =>
        typeof feature === "string" ? [feature, ""] : [feature.feature, feature.as ?? ""],
      ),
    ),
    table(
      "Inputs (files read)",
      ["Feature group", "File", "Content hash"],
      set.inputs.map((input) => [
        groupLink(input.featureGroup),
        h("code", {}, input.dataFileId),
        h("code", {}, input.contentHash),
      ]),
    ),
    set.status === "READY" ? downloads(set) : null,
    table(
      "Models trained on it",
      ["Model", "Version", "Registered"],
      trainedOn.map((model) => [
        link(modelPath(model), model.name),
        model.version,
        time(model.createdAt),
      ]),
    ),
  );
  return section;
}

function downloads(set) {
  const status = h("p", { role: "status" });
  const save = async (download) => {
    status.textContent = `Downloading ${download.label}…`;
    try {
      const blob = await api.download(`/training-sets/${segment(set.id)}/data?format=${download.format}`, download.accept);
      saveFile(blob, `${set.name ?? set.id}.${download.format}`);
      status.textContent = `Downloaded ${download.label} (${blob.size} bytes).`;
    } catch (error) {
      status.replaceChildren(errorMessage(error));
    }
  };
  return h(
    "div",
    { class: "downloads" },
    h("h2", {}, "Downloads"),
    h(
      "ul",
      { class: "actions" },
      DOWNLOADS.map((download) =>
        h("li", {}, h("button", { type: "button", onclick: () => save(download) }, `Download ${download.label}`)),
      ),
    ),
    status,
  );
}

function spineOf(spine) {
  if (!spine) {
    return null;
  }
  if (spine.rows) {
    return `${spine.rows.length} rows given inline`;
  }
  if (spine.featureGroup) {
    return link(`/feature-groups/${segment(spine.featureGroup)}`, `all rows of ${spine.featureGroup}`);
  }
  return spine.upload ? `upload ${spine.upload}` : JSON.stringify(spine);
}

export async function modelPage({ params: [name, version] }) {
  const path = `/${segment(name)}/versions/${segment(version)}`;
  const [model, modelLineage] = await Promise.all([api.get(`/models${path}`), api.get(`/lineage/models${path}`)]);
  return h(
    "section",
    {},
    heading(`Model ${model.name} version ${model.version}`),
    facts([
      ["Location", model.uri],
      ["Registered", time(model.createdAt)],
    ]),
    trainingSetsTable("Trained on", modelLineage.trainingSets),
    table(
      "Feature groups and the commits read",
      ["Feature group", "Commits (sequence)"],
      modelLineage.featureGroups.map((group) => [
        groupLink(group.name),
        commitList(group.commits),
      ]),
    ),
  );
}
