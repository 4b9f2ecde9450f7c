// Validate Teams manifest files against Microsoft's JSON schemas, offline.
//
//   node tests/manifest/validate.js VERSION manifest.json [localization.json ...]
//
// The schemas come from the npm package @microsoft/app-manifest
// (build/json-schemas/teams/vVERSION/). They are compiled exactly as that package's
// own AppManifestUtils.validateAgainstSchema does (ajv draft-04, allErrors,
// strictTypes off, formats uri/email/regex), with ajv and the formats resolved from
// the package itself. We do not call validateAgainstSchema directly because the
// package's entry point requires fs-extra, which it does not declare as a dependency.
//
// Prints one JSON object: {"<file>": ["<error>", ...], ...}; exit code 0 either way,
// 2 on a usage or schema-loading error.
"use strict";

const fs = require("fs");
const path = require("path");
const { createRequire } = require("module");

const packageJson = require.resolve("@microsoft/app-manifest/package.json");
const fromPackage = createRequire(packageJson);
const Ajv04 = fromPackage("ajv-draft-04").default || fromPackage("ajv-draft-04");
const addFormats = fromPackage("ajv-formats").default || fromPackage("ajv-formats");

function compile(schemaFile, { unicodeRegExp = true } = {}) {
  // The package applies this workaround when it downloads a schema: some schemas
  // carry a "\a" escape that JavaScript regular expressions reject.
  const text = fs.readFileSync(schemaFile, "utf8").replace(/\\a/g, "\\x07");
  const ajv = new Ajv04({ allErrors: true, strictTypes: false, unicodeRegExp });
  addFormats(ajv, ["uri", "email", "regex"]);
  return ajv.compile(JSON.parse(text));
}

function main(argv) {
  if (argv.length < 2) {
    process.stderr.write("usage: validate.js VERSION manifest.json [localization.json ...]\n");
    return 2;
  }
  const [version, manifestFile, ...localizationFiles] = argv;
  const schemaDir = path.join(path.dirname(packageJson), "build", "json-schemas", "teams", `v${version}`);
  if (!fs.existsSync(schemaDir)) {
    process.stderr.write(`no schemas for manifest version ${version} in ${schemaDir}\n`);
    return 2;
  }
  const checks = [[manifestFile, compile(path.join(schemaDir, "MicrosoftTeams.schema.json"))]];
  // The localization schema's activityTypes patterns ("...\\b]\\.description$") have a
  // lone "]", which is a literal in plain regular expressions but a syntax error with
  // the "u" flag ajv uses by default; compiled with the package's settings the schema
  // does not load at all. Without "u" the patterns mean what their authors intended.
  const localization = compile(path.join(schemaDir, "MicrosoftTeams.Localization.schema.json"), {
    unicodeRegExp: false,
  });
  for (const file of localizationFiles) checks.push([file, localization]);

  const report = {};
  for (const [file, validate] of checks) {
    const document = JSON.parse(fs.readFileSync(file, "utf8"));
    report[file] = validate(document)
      ? []
      : validate.errors.map((e) => `${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`);
  }
  process.stdout.write(JSON.stringify(report) + "\n");
  return 0;
}

process.exitCode = main(process.argv.slice(2));
