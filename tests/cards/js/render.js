// Renders Adaptive Cards into the page with Microsoft's library, one frame per card,
// styled like a Teams chat message (teams-host-config.json), with Teams' Markdown
// subset. Called through the DevTools protocol by tests/cards/render.py.
"use strict";

// Teams renders a subset of Markdown in TextBlocks: bold, italic, links, lists.
function teamsMarkdown(text) {
  const escape = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  // A backslash before punctuation shows the punctuation itself (CommonMark, as Teams).
  const literal = (s) => s.replace(/\\([!-\/:-@\[-`{-~])/g, (_, c) => `&#${c.charCodeAt(0)};`);
  const inline = (s) =>
    literal(escape(s))
      .replace(/\*\*(.+?)\*\*/g, "<strong>$1</strong>")
      .replace(/(^|[^*])\*([^*]+)\*/g, "$1<em>$2</em>")
      .replace(/(^|\W)_([^_]+)_(?=\W|$)/g, "$1<em>$2</em>")
      .replace(/\[([^\]]+)\]\((https?:[^)\s]+)\)/g, '<a href="$2">$1</a>');
  const html = [];
  let list = null;
  for (const line of text.split(/\r?\n/)) {
    const item = line.match(/^\s*(-|\*|\d+\.)\s+(.*)$/);
    const kind = item ? (/\d/.test(item[1]) ? "ol" : "ul") : null;
    if (list && kind !== list) { html.push(`</${list}>`); list = null; }
    if (kind) {
      if (!list) { html.push(`<${kind}>`); list = kind; }
      html.push(`<li>${inline(item[2])}</li>`);
    } else {
      html.push(`<p>${inline(line)}</p>`);
    }
  }
  if (list) html.push(`</${list}>`);
  return html.join("");
}

// Every element and action of a parsed card, those of its Action.ShowCard cards included.
function cardObjects(adaptiveCard) {
  const found = [];
  const visit = (object) => {
    if (!object) return;
    found.push(object);
    if (typeof object.getItemCount === "function") {
      for (let i = 0; i < object.getItemCount(); i++) visit(object.getItemAt(i));
    }
    if (typeof object.getActionCount === "function") {
      for (let i = 0; i < object.getActionCount(); i++) visit(object.getActionAt(i));
    }
    if (object.card) visit(object.card); // Action.ShowCard
  };
  visit(adaptiveCard);
  return found;
}

// The objects of a rendered card by the page element each rendered, to name what a
// problem is in.
function renderedObjects(adaptiveCard) {
  const objects = new Map();
  for (const object of cardObjects(adaptiveCard)) {
    if (object.renderedElement && !objects.has(object.renderedElement)) {
      objects.set(object.renderedElement, object);
    }
  }
  return objects;
}

// "TextBlock #id "first words of its text…"": the card element a page element belongs to
// (`quote`: with the first words of the page element's text).
function describer(bubble, objects) {
  return (node, quote = true) => {
    let owner = node;
    while (owner && owner !== bubble && !objects.has(owner)) owner = owner.parentElement;
    const object = objects.get(owner);
    const type = object ? object.getJsonTypeName() : node.tagName.toLowerCase();
    const id = object && object.id ? ` #${object.id}` : "";
    const shown = node.tagName === "SELECT" ? selectedText(node) : node.innerText || node.value;
    const words = quote ? (shown || "").trim().split(/\s+/).filter(Boolean) : [];
    const first = words.slice(0, 6).join(" ");
    let cut = first.length > 40 ? `${first.slice(0, 40)}…` : first;
    if (words.length > 6 && cut === first) cut += " …";
    return `${type}${id}${cut ? ` "${cut}"` : ""}`;
  };
}

function selectedText(select) {
  const option = select.options[select.selectedIndex];
  return option ? option.text : "";
}

function displayed(node) {
  const box = node.getBoundingClientRect();
  return box.width > 0 && box.height > 0 && getComputedStyle(node).visibility !== "hidden";
}

// A box may end this much past another before it counts: sub-pixel layout rounds.
const TOLERANCE = 1;
// The room a closed pick-list keeps for its arrow (measured in Chromium: 17 to 20 px).
const SELECT_ARROW = 20;
let measuring = null;

// How wide `text` is in the font `node` uses.
function textWidth(text, node) {
  measuring = measuring || document.createElement("canvas").getContext("2d");
  measuring.font = getComputedStyle(node).font;
  return measuring.measureText(text).width;
}

// What sticks out of the card or is cut off inside it: a box past the card's edges, a
// box past the edges of an ancestor that clips it, text that does not fit its box (a
// TextBlock that does not wrap, a button's title), a pick-list too narrow for one of its
// choices (once picked, a closed pick-list shows it cut).
// Only the outermost part that sticks out is named, not everything inside it.
function overflowProblems(bubble, describe) {
  const card = bubble.getBoundingClientRect();
  const problems = [];
  const done = []; // reported, or what cuts off reported parts: nothing inside is looked at
  const report = (node, what) => {
    done.push(node);
    problems.push(`overflow: ${describe(node)} ${what}`);
  };
  const past = (inner, outer) => Math.max(inner.right - outer.right, outer.left - inner.left);
  for (const node of bubble.querySelectorAll("*")) {
    if (done.some((outer) => outer.contains(node)) || !displayed(node)) continue;
    const box = node.getBoundingClientRect();
    const beyond = past(box, card);
    if (beyond > TOLERANCE && showsSomething(node)) {
      report(node, `runs ${Math.round(beyond)} px past the card's edge`);
      continue;
    }
    if (node.tagName === "SELECT") {
      const style = getComputedStyle(node);
      const room =
        node.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) -
        SELECT_ARROW;
      const [needed, widest] = [...node.options]
        .map((option) => [textWidth(option.text, node), option.text])
        .reduce((a, b) => (b[0] > a[0] ? b : a), [0, ""]);
      if (needed > room + TOLERANCE) {
        const short = Math.round(needed - room);
        report(node, `is too narrow for its choice "${widest}" (${short} px cut off)`);
      }
      continue;
    }
    if (node.matches("input, textarea")) continue; // their text scrolls inside them
    const style = getComputedStyle(node);
    if (style.overflowX === "visible" || node.scrollWidth <= node.clientWidth + TOLERANCE) {
      continue;
    }
    // Something inside is cut off by this box: name the parts that stick out (the
    // outermost ones that show something), or the box itself when that is its own text.
    const cut = [...node.querySelectorAll("*")].filter(
      (inner) =>
        displayed(inner) &&
        past(inner.getBoundingClientRect(), box) > TOLERANCE &&
        showsSomething(inner),
    );
    const outermost = cut.filter(
      (inner) => !cut.some((other) => other !== inner && other.contains(inner)),
    );
    const hidden = `${node.scrollWidth - node.clientWidth} px hidden`;
    if (outermost.length === 0) report(node, `is cut off (${hidden})`);
    for (const inner of outermost) {
      // A part of the element itself (a TextBlock's list) or of the one around it.
      const own = describe(inner, false) === describe(node, false);
      const edge = own ? "its own edge" : `the edge of its ${describe(node, false)}`;
      report(inner, `is cut off at ${edge} (${hidden})`);
    }
    done.push(node);
  }
  return problems;
}

// Whether a person would see `node` sticking out: text, a control or a picture (not an
// empty box the library lays out with, such as the spacer between two buttons).
function showsSomething(node) {
  return Boolean(node.innerText.trim()) || node.matches("input, select, textarea, img");
}

// [r, g, b, a] of a CSS colour as getComputedStyle writes it.
function parseColor(css) {
  const found = css.match(/rgba?\(([^)]+)\)/);
  if (!found) return [0, 0, 0, 0];
  const parts = found[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
  return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
}

// `top` painted over the opaque colour `bottom`.
function over(top, bottom) {
  const a = top[3];
  return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat(1);
}

// The opaque colour behind `node`: its own background and its ancestors', painted in order.
function backgroundOf(node) {
  const layers = [];
  for (let at = node; at; at = at.parentElement) {
    const colour = parseColor(getComputedStyle(at).backgroundColor);
    if (colour[3] > 0) layers.push(colour);
    if (colour[3] >= 1) break;
  }
  let result = [255, 255, 255, 1];
  for (const layer of layers.reverse()) result = over(layer, result);
  return result;
}

// WCAG 2 relative luminance and contrast ratio.
function luminance([r, g, b]) {
  const channel = (c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

function contrast(a, b) {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

const hex = (colour) =>
  "#" + colour.slice(0, 3).map((c) => Math.round(c).toString(16).padStart(2, "0")).join("");

// WCAG 2 AA: 4.5:1 for text, 3:1 for large text (24 px, or 18.66 px bold).
function neededContrast(style) {
  const size = parseFloat(style.fontSize);
  const bold = parseInt(style.fontWeight, 10) >= 600;
  return size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
}

// Text that does not stand out from what is behind it: every element with text of its
// own (and every input) against its own background, as painted.
function readabilityProblems(bubble, describe) {
  const problems = [];
  for (const node of bubble.querySelectorAll("*")) {
    const ownText = [...node.childNodes].some(
      (child) => child.nodeType === Node.TEXT_NODE && child.textContent.trim(),
    );
    const control = node.matches(
      "input:not([type=radio]):not([type=checkbox]), select, textarea",
    );
    if ((!ownText && !control) || node.closest("option") || !displayed(node)) continue;
    const style = getComputedStyle(node);
    const behind = backgroundOf(node);
    const colour = over(parseColor(style.color), behind);
    const ratio = contrast(colour, behind);
    const needed = neededContrast(style);
    if (ratio < needed) {
      problems.push(
        `unreadable: ${describe(node)} is ${hex(colour)} on ${hex(behind)} ` +
          `(contrast ${ratio.toFixed(1)}:1, needs ${needed}:1)`,
      );
    }
  }
  return problems;
}

// Leaves only the index-th frame renderCards() made on the page and returns its box, for
// its screenshot: Chromium takes one from a short page several times quicker than from a
// page of every card.
function showOnly(index) {
  const frames = [...document.querySelectorAll("#cards > .frame")];
  for (const node of document.getElementById("cards").children) {
    node.style.display = node === frames[index] ? "" : "none";
  }
  const box = frames[index].getBoundingClientRect();
  return { x: box.left + scrollX, y: box.top + scrollY, width: box.width, height: box.height };
}

// Renders `card` into a new frame appended to `parent`. `opened`: with every part a
// person can open shown (elements hidden until toggled, Action.ShowCard cards), to be
// checked but not pictured.
function renderFrame(parent, card, view, hostConfig, opened) {
  // A form: radio buttons are grouped by name within their form, and the library names
  // them by their input's id, which the other cards on the page use too.
  const frame = document.createElement("form");
  frame.className = `frame ${view.theme}`;
  frame.style.width = `${view.width}px`;
  const bubble = document.createElement("div");
  bubble.className = "bubble";
  frame.appendChild(bubble);
  parent.appendChild(frame);
  parent.appendChild(document.createElement("br"));
  const problems = [];
  let objects = new Map();
  try {
    const adaptiveCard = new AdaptiveCards.AdaptiveCard();
    adaptiveCard.hostConfig = new AdaptiveCards.HostConfig(hostConfig);
    adaptiveCard.parse(card);
    if (opened) {
      for (const object of cardObjects(adaptiveCard)) {
        if ("isVisible" in object && !object.isVisible) object.isVisible = true;
      }
    }
    const element = adaptiveCard.render();
    if (!element) problems.push("the library rendered nothing");
    else bubble.appendChild(element);
    // Open Action.ShowCard cards, those inside them too (one per set of actions: the
    // library shows one at a time).
    for (let round = 0; opened && round < 5; round++) {
      const closed = cardObjects(adaptiveCard).filter(
        (object) =>
          object.getJsonTypeName() === "Action.ShowCard" &&
          object.renderedElement &&
          object.renderedElement.getAttribute("aria-expanded") === "false" &&
          !object.renderedElement.parentElement.querySelector('[aria-expanded="true"]'),
      );
      if (!closed.length) break;
      for (const action of closed) action.renderedElement.click();
    }
    objects = renderedObjects(adaptiveCard);
  } catch (error) {
    problems.push(`render threw: ${error && error.stack ? error.stack : error}`);
  }
  return { frame, bubble, objects, problems };
}

// What a person would find wrong in a rendered frame.
function framedProblems({ bubble, objects }) {
  const describe = describer(bubble, objects);
  return [...overflowProblems(bubble, describe), ...readabilityProblems(bubble, describe)];
}

// samples: [{key, card}]; views: [{name, width, theme}], the width in CSS pixels of a
// card's frame and the host's theme; hostConfigs: the host config JSON by theme.
// Every card is rendered in every view, as sent and once more with all it can open
// shown; returns [{key, view, locale, problems: [...], rect: {x, y, width, height}, text}]
// once laid out (the rect and text of the card as sent).
async function renderCards(samples, views, hostConfigs) {
  // The language the browser writes dates, times and numbers in (render.py starts
  // Chromium in the cards' language).
  const locale = navigator.language;
  document.documentElement.lang = locale;
  const root = document.getElementById("cards");
  root.innerHTML = "";
  const openedRoot = document.createElement("div"); // laid out, never pictured
  document.body.appendChild(openedRoot);
  AdaptiveCards.AdaptiveCard.onProcessMarkdown = (text, result) => {
    result.outputHtml = teamsMarkdown(text);
    result.didProcess = true;
  };
  const results = [];
  for (const view of views) {
    for (const { key, card } of samples) {
      const sent = renderFrame(root, card, view, hostConfigs[view.theme], false);
      const opened = renderFrame(openedRoot, card, view, hostConfigs[view.theme], true);
      results.push({ key, view: view.name, sent, opened });
    }
  }
  await document.fonts.ready;
  const laidOut = results.map(({ key, view, sent, opened }) => {
    const seen = [...sent.problems, ...framedProblems(sent)];
    const onceOpened = [...opened.problems, ...framedProblems(opened)]
      .filter((problem) => !seen.includes(problem))
      .map((problem) => `${problem} (once opened)`);
    const box = sent.frame.getBoundingClientRect();
    return {
      key,
      view,
      locale,
      problems: [...seen, ...onceOpened],
      rect: { x: box.left + scrollX, y: box.top + scrollY, width: box.width, height: box.height },
      text: sent.frame.innerText,
    };
  });
  openedRoot.remove();
  return laidOut;
}
