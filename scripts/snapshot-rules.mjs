#!/usr/bin/env node
// Build step: a validated JSON snapshot of the bundled rule pack, so the CLI starts without
// parsing YAML (see src/parse/rules/load.ts). Run after tsc.
import { BUNDLED_SNAPSHOT, writeRuleSnapshot } from '../dist/parse/rules/load.js';

await writeRuleSnapshot(BUNDLED_SNAPSHOT);
