// Build the browser's assets into api/static/dist/ (git-ignored): our bundles with esbuild, and YASGUI's own
// distributed files copied from its npm package. Run: npm ci --prefix web && npm run build --prefix web
import { build, context } from "esbuild";
import { copyFile, mkdir, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "api", "static", "dist");
const watch = process.argv.includes("--watch");

const options = {
  entryPoints: { app: join(here, "src", "app.js"), query: join(here, "src", "query.js") },
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
if (watch) {
  const ctx = await context(options);
  await ctx.watch();
} else {
  await build(options);
}
