// ESLint's flat config for the front end: `npm run lint --prefix web` (run by `make lint`, with Prettier).
import js from "@eslint/js";
import globals from "globals";

export default [
  js.configs.recommended,
  {
    // Beyond the recommended set: strict equality, no accidental rebinding or shadowing, braces on multi-line
    // bodies, explicit conversions. Not no-param-reassign: sigma's program API writes vertex data by advancing
    // the `startIndex` it is given (programs.js).
    rules: {
      eqeqeq: "error",
      "prefer-const": "error",
      "no-var": "error",
      "no-shadow": "error",
      curly: ["error", "multi-line"],
      "no-implicit-coercion": "error",
    },
  },
  {
    // The pages' scripts, bundled by esbuild for browsers.
    files: ["src/**/*.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: globals.browser },
  },
  {
    // The build script, this file and the unit tests run in Node.
    files: ["*.js", "*.mjs", "test/**/*.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: globals.node },
  },
];
