#!/usr/bin/env node
'use strict';
// The installed command: the compiled CLI (npm install builds it).
require('../dist/src/cli/main.js').run(process.argv);
