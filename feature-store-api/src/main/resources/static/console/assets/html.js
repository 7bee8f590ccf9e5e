// Builds DOM nodes without innerHTML, so that no value from the API is ever parsed as markup.

/**
 * h("a", {href: "/x", class: "link"}, "text", child, [more]) -> <a>. An attribute named on<event>
 * adds a listener; null, undefined and false attributes or children are left out.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (name.startsWith("on")) {
      element.addEventListener(name.slice(2), value);
    } else if (value === true) {
      element.setAttribute(name, "");
    } else {
      element.setAttribute(name, String(value));
    }
  }
  append(element, ...children);
  return element;
}

/** Adds children to an element as h() does: nested arrays are flattened, null and false left out. */
export function append(element, ...children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    if (Array.isArray(child)) {
      append(element, ...child);
    } else {
      element.append(child instanceof Node ? child : String(child));
    }
  }
}

/** A table with a caption and column headers; rows are arrays of cells (text or nodes). */
export function table(caption, headers, rows, emptyText = "None.") {
  if (rows.length === 0) {
    return h("p", { class: "empty" }, caption, ": ", emptyText);
  }
  return h(
    "table",
    {},
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, headers.map((header) => h("th", { scope: "col" }, header)))),
    h("tbody", {}, rows.map((cells) => h("tr", {}, cells.map((cell) => h("td", {}, cell))))),
  );
}

/** A description list from [term, description] pairs; empty descriptions show as a dash. */
export function facts(pairs) {
  return h(
    "dl",
    { class: "facts" },
    pairs.map(([term, description]) => [
      h("dt", {}, term),
      h("dd", {}, description === null || description === undefined || description === "" ? "–" : description),
    ]),
  );
}

/** A link inside the console; the router turns its click into a page change without reloading. */
export function link(path, text) {
  return h("a", { href: "/console" + path }, text);
}

export function time(instant) {
  return instant ? h("time", { datetime: instant }, instant.replace("T", " ").replace(/\.\d+Z$|Z$/, " UTC")) : "–";
}

/** The page's heading, which receives focus when the page changes (for screen readers). */
export function heading(text) {
  return h("h1", { tabindex: "-1" }, text);
}

export function errorMessage(error) {
  return h("p", { class: "error", role: "alert" }, error.message);
}

/** Saves text or a Blob as a file of the given name, through a temporary object URL. */
export function saveFile(blob, fileName) {
  const url = URL.createObjectURL(blob);
  const anchor = h("a", { href: url, download: fileName, hidden: true });
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Says something to screen readers through the page's live region. */
export function announce(text) {
  document.getElementById("announcer").textContent = text;
}

/** Goes to a console page ("/feature-groups/x"), as a link would; the router draws it. */
export function navigate(path) {
  history.pushState(null, "", "/console" + path);
  window.dispatchEvent(new PopStateEvent("popstate"));
}
