#!/usr/bin/env node
// Build step: a snapshot of the bundled rule pack, validated and compiled, so the CLI and its parse
// workers start without parsing YAML or compiling rules (see src/parse/rules/load.ts). Run after tsc.
import { BUNDLED_SNAPSHOT, writeRuleSnapshot } from '../dist/parse/rules/load.js';

await writeRuleSnapshot(BUNDLED_SNAPSHOT);
