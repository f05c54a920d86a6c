// Bundles src/editor.js into app/static/vendor/cypher-editor.js and writes the licence
// of every package that went into it beside it; a package under any other licence than
// the allowed permissive ones fails the build.
import {build} from "esbuild";
import {readFileSync, writeFileSync, mkdirSync} from "node:fs";
import {dirname, join} from "node:path";
import {fileURLToPath} from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "..", "app", "static", "vendor");
const ALLOWED = new Set(["MIT", "BSD-2-Clause", "BSD-3-Clause", "ISC", "0BSD"]);

mkdirSync(out, {recursive: true});
const result = await build({
  entryPoints: [join(here, "src", "editor.js")],
  bundle: true, minify: true, format: "iife", target: "es2019", charset: "utf8",
  legalComments: "none", metafile: true, write: true, logLevel: "warning",
  outfile: join(out, "cypher-editor.js"),
});

const packages = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
  const m = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  if (m && !packages.has(m[1])) {
    const meta = JSON.parse(readFileSync(join(here, "node_modules", m[1], "package.json"), "utf8"));
    packages.set(m[1], {version: meta.version, license: meta.license});
  }
}
const lines = ["Packages bundled into cypher-editor.js (built by tools/editor/build), with their licences:", ""];
const bad = [];
for (const [name, p] of [...packages.entries()].sort()) {
  lines.push(`${name} ${p.version} ${p.license}`);
  if (!ALLOWED.has(p.license)) { bad.push(`${name}: ${p.license}`); }
}
if (bad.length) {
  console.error("licence not allowed in the bundle: " + bad.join(", "));
  process.exit(1);
}
writeFileSync(join(out, "cypher-editor.licenses.txt"), lines.join("\n") + "\n");
console.log(`cypher-editor.js: ${packages.size} packages, all permissive`);
