// The alignment tree (company → team → individual) as a WAI-ARIA tree: one tab stop,
// arrow keys move and open or close branches, Space opens or closes, Enter opens the objective.
import { h, progressBar } from "./dom.js";
import { t } from "./strings.js";

// The first two levels (company, team) start open; deeper branches start closed.
const OPEN_LEVELS = 2;

// The bar repeats the text beside it: screen readers read the text once.
function hidden(bar) {
  bar.removeAttribute("role");
  bar.removeAttribute("aria-label");
  bar.setAttribute("aria-hidden", "true");
  return bar;
}

function item(node, level, position, size, open) {
  const children = node.children || [];
  const statusText = t(`tab.status.${node.status || "none"}`);
  const label = h(
    "div",
    { class: "node" },
    h("span", { class: "twisty", attrs: { "aria-hidden": "true" } }),
    h("span", { class: "node-title", text: node.title }),
    h("span", { class: "chip level", text: node.level_text }),
    h("span", { class: `chip status-${node.status || "none"}`, text: statusText }),
    hidden(progressBar(node.progress, null, node.progress_text)),
    h("span", { class: "progress-text", text: node.progress_text }),
    h("span", { class: "meta", text: [node.team_name, node.owner_name].filter(Boolean).join(" · ") }),
  );
  const li = h(
    "li",
    {
      class: "treeitem",
      attrs: {
        role: "treeitem",
        "aria-level": level,
        "aria-setsize": size,
        "aria-posinset": position,
        "aria-expanded": children.length ? String(level <= OPEN_LEVELS) : null,
        tabindex: "-1",
        "data-objective": node.id,
      },
    },
    label,
  );
  if (children.length) {
    li.append(
      h(
        "ul",
        { attrs: { role: "group" } },
        children.map((child, index) => item(child, level + 1, index + 1, children.length, open)),
      ),
    );
  }
  label.addEventListener("click", (event) => {
    focusItem(li);
    if (event.target.classList.contains("twisty")) toggle(li);
    else open(node.id);
  });
  return li;
}

function isParent(li) {
  return li.hasAttribute("aria-expanded");
}

function isOpen(li) {
  return li.getAttribute("aria-expanded") === "true";
}

function toggle(li, wanted = !isOpen(li)) {
  if (isParent(li)) li.setAttribute("aria-expanded", String(wanted));
}

function visibleItems(tree) {
  return [...tree.querySelectorAll('[role="treeitem"]')].filter((li) => {
    for (let up = li.parentElement.closest('[role="treeitem"]'); up; up = up.parentElement.closest('[role="treeitem"]')) {
      if (!isOpen(up)) return false;
    }
    return true;
  });
}

function focusItem(li) {
  const tree = li.closest('[role="tree"]');
  for (const other of tree.querySelectorAll('[role="treeitem"][tabindex="0"]')) other.setAttribute("tabindex", "-1");
  li.setAttribute("tabindex", "0");
  li.focus();
}

function onKey(event, open) {
  const li = event.target.closest('[role="treeitem"]');
  if (!li) return;
  const tree = event.currentTarget;
  const items = visibleItems(tree);
  const index = items.indexOf(li);
  let handled = true;
  switch (event.key) {
    case "ArrowDown":
      if (index < items.length - 1) focusItem(items[index + 1]);
      break;
    case "ArrowUp":
      if (index > 0) focusItem(items[index - 1]);
      break;
    case "ArrowRight":
      if (isParent(li) && !isOpen(li)) toggle(li, true);
      else if (isParent(li)) focusItem(li.querySelector('[role="treeitem"]'));
      break;
    case "ArrowLeft":
      if (isParent(li) && isOpen(li)) toggle(li, false);
      else {
        const parent = li.parentElement.closest('[role="treeitem"]');
        if (parent) focusItem(parent);
      }
      break;
    case "Home":
      focusItem(items[0]);
      break;
    case "End":
      focusItem(items[items.length - 1]);
      break;
    case " ":
      toggle(li);
      break;
    case "Enter":
      open(li.dataset.objective);
      break;
    default:
      handled = false;
  }
  if (handled) {
    event.preventDefault();
    event.stopPropagation();
  }
}

/** The tree of `roots`, or what to say when there is nothing; `open(id)` opens an objective. */
export function alignmentTree(roots, open) {
  if (!roots.length) return h("p", { class: "empty", text: t("tab.empty.filtered") });
  const tree = h(
    "ul",
    {
      class: "tree",
      attrs: { role: "tree", "aria-label": t("tab.alignment.label"), "aria-describedby": "tree-help" },
      on: { keydown: (event) => onKey(event, open) },
    },
    roots.map((root, index) => item(root, 1, index + 1, roots.length, open)),
  );
  tree.querySelector('[role="treeitem"]').setAttribute("tabindex", "0");
  return h("div", { class: "alignment" }, h("p", { class: "help", text: t("tab.alignment.help"), attrs: { id: "tree-help" } }), tree);
}
