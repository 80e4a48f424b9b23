/**
 * @module CommonJS packages (commander, ipaddr.js) loaded with `require`: Node's ESM `import` of
 * one first scans its whole source for the names it exports, which for commander cost ~16 ms of
 * every start-up against ~5 ms by `require` (measured on Node 20).
 */
import { createRequire } from 'node:module';

export const requireCommonJs = createRequire(import.meta.url);
