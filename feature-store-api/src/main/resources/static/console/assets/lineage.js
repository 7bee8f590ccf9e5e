// The lineage explorer: entity and key -> the groups and commits holding the key -> the training
// sets that used it -> the models trained on them. Every node links to its page.
import { api, segment } from "./api.js";
import { h, link, time, heading, navigate, append } from "./html.js";
import { commitList, groupLink, modelPath, trainingSetLink } from "./links.js";

/** The entity chooser shared by the lineage and erasure forms. */
export async function entityField(id, chosen) {
  const entities = await api.all("/entities");
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, "Entity"),
    h(
      "select",
      { id, name: "entity", required: true },
      entities.map((entity) =>
        h("option", { value: entity.name, selected: entity.name === chosen }, `${entity.name} (${entity.keyType})`),
      ),
    ),
  );
}

export async function lineageFormPage({ params: [entity, key] = [] }) {
  const keyInput = h("input", { id: "lineage-key", name: "key", required: true, autocomplete: "off", value: key });
  const entityChooser = await entityField("lineage-entity", entity);
  const form = h(
    "form",
    {
      class: "inline-form",
      onsubmit: (event) => {
        event.preventDefault();
        const chosen = entityChooser.querySelector("select").value;
        navigate(`/lineage/${segment(chosen)}/${segment(keyInput.value.trim())}`);
      },
    },
    entityChooser,
    h("div", { class: "field" }, h("label", { for: "lineage-key" }, "Key"), keyInput),
    h("button", { type: "submit" }, "Show lineage"),
  );
  return h(
    "section",
    {},
    heading("Lineage explorer"),
    h("p", {}, "Where one key's rows are stored, which training sets used them, and which models were trained on those."),
    form,
  );
}

export async function keyLineagePage(context) {
  const [entity, key] = context.params;
  const answer = await api.get(`/lineage/entities/${segment(entity)}/keys/${segment(key)}`);
  const page = await lineageFormPage(context);
  page.querySelector("h1").textContent = `Lineage of ${entity} ${answer.key}`;
  const column = (title, items) =>
    h("li", { class: "column" }, h("h2", {}, title), items.length === 0 ? h("p", {}, "None.") : h("ul", {}, items));
  append(page,
    h(
      "ol",
      { class: "graph", "aria-label": `Lineage graph of ${entity} ${answer.key}` },
      column(
        "Feature groups and commits",
        answer.featureGroups.map((group) =>
          h(
            "li",
            { class: "node" },
            groupLink(group.name),
            h("span", { class: "detail" }, ` commits ${commitList(group.commits)}`),
          ),
        ),
      ),
      column(
        "Training sets that used the key",
        answer.trainingSets.map((set) =>
          h(
            "li",
            { class: "node" },
            trainingSetLink(set),
            h("span", { class: "detail" }, ` as ${set.usedAs.join(" and ").toLowerCase()}`),
          ),
        ),
      ),
      column(
        "Models trained on them",
        answer.models.map((model) =>
          h("li", { class: "node" }, link(modelPath(model), `${model.name} version ${model.version}`)),
        ),
      ),
    ),
    answer.erasures.length === 0
      ? null
      : h(
          "div",
          {},
          h("h2", {}, "Erasures of this key"),
          h(
            "ul",
            {},
            answer.erasures.map((erasure) =>
              h("li", {}, link(`/erasures/${segment(erasure.id)}`, "Receipt"), " requested ", time(erasure.createdAt)),
            ),
          ),
        ),
    h(
      "p",
      {},
      h(
        "a",
        { href: `/console/erasures?entity=${segment(entity)}&key=${segment(answer.key)}`, class: "button" },
        "Erase this key…",
      ),
    ),
  );
  return page;
}
