// The catalog: entities, feature groups and their features; a page per group.
import { api, segment } from "./api.js";
import { h, table, facts, link, time, heading } from "./html.js";
import { mayUse } from "./roles.js";
import { groupLink, modelsTable, trainingSetsTable } from "./links.js";
import { groupLifecycle } from "./governance.js";

export async function catalogPage() {
  const [entities, groups, online] = await Promise.all([
    api.all("/entities"),
    api.all("/feature-groups"),
    api.get("/online-indexes"),
  ]);
  const onlineGroups = new Set(online.indexes.map((index) => index.featureGroup));
  const search = h("input", { id: "catalog-search", type: "search", autocomplete: "off" });
  const results = h("div", { "aria-live": "polite" });

  const draw = () => {
    const wanted = search.value.trim().toLowerCase();
    const matches = (...texts) => wanted === "" || texts.some((text) => (text ?? "").toLowerCase().includes(wanted));
    const features = groups.flatMap((group) =>
      group.features.map((feature) => ({ group, feature })),
    );
    results.replaceChildren(
      table(
        "Entities",
        ["Name", "Key type", "Owner", "Tags", "Description"],
        entities
          .filter((entity) => matches(entity.name, entity.description, entity.owner, ...tagsOf(entity)))
          .map((entity) => [entity.name, entity.keyType, entity.owner ?? "", tagsOf(entity).join(", "), entity.description ?? ""]),
      ),
      table(
        "Feature groups",
        ["Name", "Entity", "Features", "Rows", "Latest event", "Online", "Description"],
        groups
          .filter((group) =>
            matches(group.name, group.entity, group.description, group.owner, ...tagsOf(group), ...group.features.map((f) => f.name)),
          )
          .map((group) => [
            groupLink(group.name),
            group.entity,
            String(group.features.length),
            String(group.rows),
            time(group.eventTimeMax),
            onlineStatus(group, onlineGroups),
            group.description ?? "",
          ]),
      ),
      table(
        "Features",
        ["Feature", "Type", "Feature group", "Description"],
        features
          .filter(({ group, feature }) => matches(feature.name, group.name, feature.type, feature.description))
          .map(({ group, feature }) => [
            feature.name,
            typeOf(feature),
            groupLink(group.name),
            feature.description ?? "",
          ]),
      ),
    );
  };
  search.addEventListener("input", draw);
  draw();
  // Typing filters the tables below at once; Enter asks the server's ranked full-text search.
  const bestMatches = h("div", { "aria-live": "polite" });
  const form = h(
    "form",
    { role: "search" },
    h("div", { class: "field" }, h("label", { for: "catalog-search" }, "Search entities, groups and features"), search),
    h("button", { type: "submit" }, "Search"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const words = search.value.trim();
    if (words === "") {
      bestMatches.replaceChildren();
      return;
    }
    const hits = await api.get(`/search?q=${encodeURIComponent(words)}&limit=20`);
    bestMatches.replaceChildren(
      table(
        `Best matches for “${words}”`,
        ["Kind", "Name", "Feature group", "Owner", "Tags", "Description"],
        hits.map((hit) => [
          hit.kind.replace("_", " ").toLowerCase(),
          hit.kind === "FEATURE_GROUP" ? groupLink(hit.name) : hit.name,
          hit.group ? groupLink(hit.group) : "",
          hit.owner,
          hit.tags.join(", "),
          hit.description,
        ]),
        "nothing matches.",
      ),
    );
  });
  return h("section", {}, heading("Catalog"), form, bestMatches, results);
}

export async function featureGroupPage({ params: [name] }) {
  const path = `/feature-groups/${segment(name)}`;
  const [group, commits, online, groupLineage, statistics] = await Promise.all([
    api.get(path),
    api.get(`${path}/commits`),
    api.get("/online-indexes"),
    api.get(`/lineage${path}`),
    api.get(`${path}/statistics`),
  ]);
  const index = online.indexes.find((candidate) => candidate.featureGroup === group.name);
  const newestCommit = commits.at(-1);
  return h(
    "section",
    {},
    heading(`Feature group ${group.name}`),
    group.description ? h("p", {}, group.description) : null,
    facts([
      ["Entity", group.entity],
      ["Owner", group.owner],
      ["Tags", tagsOf(group).join(", ")],
      ["Schema version", String(group.schemaVersion)],
      ["Time to live", group.ttl === "PT0S" ? "none: rows never expire" : group.ttl],
      ["Commits", String(group.commits)],
      ["Rows", String(group.rows)],
      ["Files", String(group.files)],
      ["Keys", group.keyMin === undefined ? null : `${group.keyMin} … ${group.keyMax}`],
      ["Event times", group.eventTimeMin === undefined ? null : [time(group.eventTimeMin), " … ", time(group.eventTimeMax)]],
      ["Freshness (last write)", newestCommit ? time(newestCommit.writeTime) : null],
      ["Online", onlineStatus(group, new Set(index ? [group.name] : []), index, online.refused?.[group.name])],
    ]),
    table(
      "Schema",
      ["Column", "Type"],
      [
        [group.entity, "entity key"],
        ["event_time", "TIMESTAMP"],
        ...group.features.map((feature) => [feature.name, typeOf(feature)]),
      ],
    ),
    table(
      `Statistics of version ${statistics.sequence} (${statistics.rows} rows)`,
      ["Feature", "Nulls", "Least", "Greatest", "Distinct (estimate)"],
      statistics.features.map((feature) => [
        feature.name,
        String(feature.nullCount),
        feature.min === undefined || feature.min === null ? "" : String(feature.min),
        feature.max === undefined || feature.max === null ? "" : String(feature.max),
        `≈ ${feature.distinctEstimate}`,
      ]),
      "no features.",
    ),
    table(
      "Commit timeline (oldest first)",
      ["Sequence", "Write time", "Kind", "Rows", "Files", "Schema version"],
      commits.map((commit) => [
        String(commit.sequence),
        time(commit.writeTime),
        commit.kind,
        String(commit.rows),
        String(commit.files.length),
        String(commit.schemaVersion),
      ]),
      "no commits yet.",
    ),
    h("h2", {}, "Lineage"),
    trainingSetsTable("Training sets that read this group", groupLineage.trainingSets),
    modelsTable("Models trained on them", groupLineage.models),
    mayUse("lineage") ? h("p", {}, "For one key's rows, use ", link("/lineage", "the lineage explorer"), ".") : null,
    groupLifecycle(group),
  );
}

/** Tags as "name" or "name=value"; older servers send none. */
/** The tags of an entity or group (a list; a name-to-value map is shown as name=value). */
function tagsOf(described) {
  const tags = described.tags ?? [];
  return Array.isArray(tags) ? tags.map(String) : Object.entries(tags).map(([name, value]) => `${name}=${value}`);
}

function typeOf(feature) {
  return feature.type === "FLOAT32_VECTOR" ? `FLOAT32_VECTOR[${feature.dimension}]` : feature.type;
}

function onlineStatus(group, onlineGroups, index, refusal) {
  if (!group.online) {
    return "offline only";
  }
  if (refusal) {
    return `refused: ${refusal}`;
  }
  if (!onlineGroups.has(group.name)) {
    return "online, index not loaded";
  }
  return index ? `online: ${index.keys} keys at sequence ${index.appliedSequence}` : "online";
}
