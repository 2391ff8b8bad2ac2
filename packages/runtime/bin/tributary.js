#!/usr/bin/env node
// The `tributary` command: the compiled CLI (run `npm install` or `npm run build` first).
import('../dist/cli/main.js').then(
  (cli) => cli.main(process.argv),
  (error) => {
    console.error(`tributary: cannot load the compiled CLI (${error.message}); run \`npm run build\` first`);
    process.exit(1);
  },
);
