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

// samples: [{key, card}]; hostConfig: the host config JSON; width: CSS pixels per card.
// Returns [{key, locale, problems: [...], rect: {x, y, width, height}, text}] once laid out.
async function renderCards(samples, hostConfig, width) {
  // The language the browser writes dates, times and numbers in (render.py starts
  // Chromium in the cards' language).
  const locale = navigator.language;
  document.documentElement.lang = locale;
  const root = document.getElementById("cards");
  root.innerHTML = "";
  AdaptiveCards.AdaptiveCard.onProcessMarkdown = (text, result) => {
    result.outputHtml = teamsMarkdown(text);
    result.didProcess = true;
  };
  const results = [];
  for (const { key, card } of samples) {
    const frame = document.createElement("div");
    frame.className = "frame";
    frame.style.width = `${width}px`;
    frame.dataset.key = key;
    const bubble = document.createElement("div");
    bubble.className = "bubble";
    frame.appendChild(bubble);
    root.appendChild(frame);
    root.appendChild(document.createElement("br"));
    const problems = [];
    try {
      const adaptiveCard = new AdaptiveCards.AdaptiveCard();
      adaptiveCard.hostConfig = new AdaptiveCards.HostConfig(hostConfig);
      adaptiveCard.parse(card);
      const element = adaptiveCard.render();
      if (!element) problems.push("the library rendered nothing");
      else bubble.appendChild(element);
    } catch (error) {
      problems.push(`render threw: ${error && error.stack ? error.stack : error}`);
    }
    results.push({ key, frame, problems });
  }
  await document.fonts.ready;
  return results.map(({ key, frame, problems }) => {
    const box = frame.getBoundingClientRect();
    return {
      key,
      locale,
      problems,
      rect: { x: box.left + scrollX, y: box.top + scrollY, width: box.width, height: box.height },
      text: frame.innerText,
    };
  });
}
