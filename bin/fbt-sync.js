#!/usr/bin/env -S node --max-semi-space-size=64
'use strict';
// The installed command: the compiled CLI (npm install builds it).
// --max-semi-space-size=64 (MiB): folding events allocates fast and briefly;
// a larger young generation lets V8 collect that garbage young instead of
// promoting it (a rebuild spends about a quarter less CPU). npm start, npm run
// cli and npm run bench run node with the same flag.
require('../dist/src/cli/main.js').run(process.argv);
