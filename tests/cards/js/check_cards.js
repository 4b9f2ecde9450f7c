// Parse and validate Adaptive Cards with Microsoft's own library (npm "adaptivecards").
//
//   node tests/cards/js/check_cards.js < cards.json
//
// Input (stdin): [{"key": "welcome.en", "card": {...}}, ...]
// Output (stdout): [{"key": ..., "problems": ["..."], "inputIds": [...]}, ...]
//
// A card's problems are everything the library reports:
//  * parse events logged on the SerializationContext while AdaptiveCard.parse reads
//    the JSON (unknown element or action types, invalid property values, properties
//    newer than the target version 1.5 that Teams renders, ...);
//  * validation events from card.validateProperties() (duplicate ids, required inputs
//    without a label or error message, empty collections, too many actions, ...);
//  * properties the library does not know at all: it drops them silently, so a typo
//    such as "wrapp" would go unnoticed. They are found by comparing each JSON
//    object's keys with the property schema of the library object parsed from it.
"use strict";

// The UMD bundle, the same file the renderer page loads: the package's "main" (lib/)
// is ES modules with extensionless imports, which Node cannot load.
const AC = require("adaptivecards/dist/adaptivecards.js");

// Teams renders Adaptive Cards up to schema 1.5 (desktop and mobile).
const TARGET_VERSION = new AC.Version(1, 5);
// Keys the library parses by hand rather than through its property schema, and the
// Teams extension "msteams", which other hosts ignore by design.
const PARSED_BY_HAND = new Set([
  "body", "actions", "items", "columns", "rows", "cells", "inlines", "card", "fallback", "images",
  "msteams",
]);

function checkCard(json) {
  const problems = [];
  const unknown = [];
  const originalParse = AC.SerializableObject.prototype.internalParse;
  AC.SerializableObject.prototype.internalParse = function (source, context) {
    originalParse.call(this, source, context);
    if (source && typeof source === "object" && !Array.isArray(source)) {
      const schema = this.getSchema();
      const known = new Set();
      for (let i = 0; i < schema.getCount(); i++) known.add(schema.getItemAt(i).name);
      const typeName = this.getJsonTypeName ? this.getJsonTypeName() : this.constructor.name;
      for (const key of Object.keys(source)) {
        if (!known.has(key) && !PARSED_BY_HAND.has(key)) {
          unknown.push(`${typeName} has a property "${key}" the library does not know (ignored)`);
        }
      }
    }
  };
  let card;
  const context = new AC.SerializationContext(TARGET_VERSION);
  try {
    card = new AC.AdaptiveCard();
    card.parse(json, context);
  } catch (error) {
    return { problems: [`parse threw: ${error && error.stack ? error.stack : error}`] };
  } finally {
    AC.SerializableObject.prototype.internalParse = originalParse;
  }
  for (let i = 0; i < context.eventCount; i++) {
    const event = context.getEventAt(i);
    problems.push(`parse: ${AC.ValidationEvent[event.event]}: ${event.message}`);
  }
  for (const event of card.validateProperties().validationEvents) {
    problems.push(`validation: ${AC.ValidationEvent[event.event]}: ${event.message}`);
  }
  problems.push(...unknown);
  return {
    problems,
    // Inputs in the card and in its Action.ShowCard cards, as the library finds them.
    inputIds: card.getAllInputs(true).map((input) => input.id),
  };
}

function main() {
  const samples = JSON.parse(require("fs").readFileSync(0, "utf8"));
  const report = samples.map(({ key, card }) => ({ key, ...checkCard(card) }));
  process.stdout.write(JSON.stringify(report) + "\n");
}

main();
