// Build the browser's assets into api/static/dist/ (git-ignored): our bundles with esbuild, YASGUI's own
// distributed files and world-atlas's country outlines (for the small maps) copied from their npm packages.
// Run: npm ci --prefix web && npm run build --prefix web
import { build, context } from "esbuild";
import { copyFile, mkdir, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "api", "static", "dist");
const watch = process.argv.includes("--watch");

const options = {
  entryPoints: {
    app: join(here, "src", "app.js"),
    query: join(here, "src", "query.js"),
    "entity-map": join(here, "src", "entity-map.js"),
    source: join(here, "src", "source.js"),
  },
  bundle: true,
  format: "esm",
  target: ["es2020"],
  outdir: out,
  sourcemap: true,
  minify: true,
  legalComments: "linked",
  logLevel: "info",
};

await rm(out, { recursive: true, force: true });
await mkdir(join(out, "yasgui"), { recursive: true });
const yasgui = join(here, "node_modules", "@zazuko", "yasgui", "build");
for (const file of ["yasgui.min.js", "yasgui.min.css"]) {
  await copyFile(join(yasgui, file), join(out, "yasgui", file));
}
// Fetched by src/map.js when a map is shown, rather than bundled: most pages never need its 750 kB.
await mkdir(join(out, "world"), { recursive: true });
const atlas = join(here, "node_modules", "world-atlas");
for (const file of ["countries-50m.json", "LICENSE"]) {
  await copyFile(join(atlas, file), join(out, "world", file));
}
if (watch) {
  const ctx = await context(options);
  await ctx.watch();
} else {
  await build(options);
}
