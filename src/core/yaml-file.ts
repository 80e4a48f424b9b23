/** @module Reads a YAML file against a zod schema; every error names the file, line and column. */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isNode } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from './config-error.js';

export { ConfigError };

/** Parses `text` (read from `file`) and validates it; throws ConfigError pointing at the offending node. */
export function parseYamlAs<S extends z.ZodType>(text: string, file: string, schema: S): z.infer<S> {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    const line = err.linePos?.[0].line ?? lc.linePos(err.pos[0]).line;
    throw new ConfigError(file, line, `YAML: ${err.message.split('\n')[0]}`);
  }
  const result = schema.safeParse(doc.toJS({ maxAliasCount: 100 }));
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  // walk up the path until a node with a position is found (a missing key has none)
  let line: number | undefined;
  for (let n = path.length; n >= 0 && line === undefined; n--) {
    const node: unknown = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) line = lc.linePos(node.range[0]).line;
  }
  const where = path.length > 0 ? path.join('.') + ': ' : '';
  throw new ConfigError(file, line, `${where}${issue.message}`);
}

export function readYamlAs<S extends z.ZodType>(file: string, schema: S): z.infer<S> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(file, undefined, `cannot read: ${(e as Error).message}`, { cause: e });
  }
  return parseYamlAs(text, file, schema);
}
