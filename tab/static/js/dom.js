// Building the page: every text goes in with textContent, never as markup.
const SVG = "http://www.w3.org/2000/svg";

/**
 * A new element: `h("p", {class: "x", text: "…", attrs: {…}, on: {click: f}}, ...children)`.
 * Children are nodes, strings (as text) or null (skipped).
 */
export function h(tag, options = {}, ...children) {
  const node = document.createElement(tag);
  return fill(node, options, children);
}

/** The same for an SVG element. */
export function s(tag, options = {}, ...children) {
  return fill(document.createElementNS(SVG, tag), options, children);
}

function fill(node, options, children) {
  if (options.class) node.setAttribute("class", options.class);
  if (options.text !== undefined && options.text !== null) node.textContent = String(options.text);
  for (const [name, value] of Object.entries(options.attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const [event, handler] of Object.entries(options.on || {})) node.addEventListener(event, handler);
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

/** Empty `node` and put `children` in it. */
export function replace(node, ...children) {
  node.replaceChildren(...children.flat().filter((child) => child !== null && child !== undefined));
  return node;
}

/**
 * The server's chart as a node of this document, or null if it is not a clean SVG.
 * It is parsed as SVG (never as HTML) and refused if it holds a script, a foreign
 * object, an event handler attribute or a javascript: link.
 */
export function importSvg(markup) {
  if (typeof markup !== "string" || markup === "") return null;
  const parsed = new DOMParser().parseFromString(markup, "image/svg+xml");
  const root = parsed.documentElement;
  if (!root || root.namespaceURI !== SVG || root.localName !== "svg") return null;
  if (parsed.getElementsByTagName("parsererror").length > 0) return null;
  for (const element of [root, ...root.querySelectorAll("*")]) {
    const name = element.localName.toLowerCase();
    if (name === "script" || name === "foreignobject" || element.namespaceURI !== SVG) return null;
    for (const attribute of element.attributes) {
      const attributeName = attribute.name.toLowerCase();
      if (attributeName.startsWith("on")) return null;
      if (attributeName === "style") return null;
      if (/href$/.test(attributeName) && !attribute.value.startsWith("#")) return null;
    }
  }
  return document.importNode(root, true);
}

/** A progress bar drawn as SVG (no style attribute): the fill, and a mark at the expected point. */
export function progressBar(progress, expected, label) {
  const clamp = (value) => Math.max(0, Math.min(1, Number(value) || 0));
  const bar = s(
    "svg",
    {
      class: "progress",
      attrs: {
        role: "img",
        "aria-label": label,
        viewBox: "0 0 100 8",
        preserveAspectRatio: "none",
        focusable: "false",
      },
    },
    s("rect", { class: "progress-track", attrs: { x: 0, y: 0, width: 100, height: 8, rx: 2 } }),
  );
  if (progress !== null && progress !== undefined) {
    bar.append(s("rect", { class: "progress-fill", attrs: { x: 0, y: 0, width: clamp(progress) * 100, height: 8, rx: 2 } }));
  }
  if (expected !== null && expected !== undefined) {
    const x = clamp(expected) * 100;
    bar.append(s("line", { class: "progress-expected", attrs: { x1: x, x2: x, y1: 0, y2: 8 } }));
  }
  return bar;
}
