// Links and tables for the objects lineage connects, the same on every page that shows them.
import { segment } from "./api.js";
import { table, link } from "./html.js";

export const groupLink = (name) => link(`/feature-groups/${segment(name)}`, name);
export const trainingSetLink = (set) => link(`/training-sets/${segment(set.id)}`, set.name ?? set.id);
export const modelPath = (model) => `/models/${segment(model.name)}/${segment(model.version)}`;

/** A catalog version ({group: sequence}) as "group@sequence, ...". */
export function catalogVersion(version) {
  return Object.entries(version ?? {})
    .map(([group, sequence]) => `${group}@${sequence}`)
    .join(", ");
}

export function commitList(commits) {
  return commits.map((commit) => `#${commit.sequence}`).join(", ");
}

/** Model versions ({name, version}), each linked to its page. */
export function modelsTable(caption, models) {
  return table(
    caption,
    ["Model", "Version"],
    models.map((model) => [link(modelPath(model), model.name), model.version]),
  );
}

/** Training sets with the catalog version each was built on. */
export function trainingSetsTable(caption, sets) {
  return table(
    caption,
    ["Training set", "Catalog version"],
    sets.map((set) => [trainingSetLink(set), catalogVersion(set.catalogVersion)]),
  );
}
