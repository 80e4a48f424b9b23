/** @module Reads a YAML file against a zod schema; every error names the file, line and column. */
import { readFileSync } from 'node:fs';
import { isMap, isNode, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from './config-error.js';

export { ConfigError };

/** Parses `text` (read from `file`) and validates it; throws ConfigError pointing at the offending node. */
export function parseYamlAs<S extends z.ZodType>(text: string, file: string, schema: S): z.infer<S> {
  return parseYamlWithLines(text, file, schema).data;
}

/**
 * `parseYamlAs`, and the line of any node by its path: for errors found after validation (a rule's
 * pattern that does not compile) to point at their line too.
 */
export function parseYamlWithLines<S extends z.ZodType>(text: string, file: string, schema: S): { data: z.infer<S>; lineOf: (path: Array<string | number>) => number | undefined } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    const line = err.linePos?.[0].line ?? lc.linePos(err.pos[0]).line;
    throw new ConfigError(file, line, `YAML: ${err.message.split('\n')[0]}`);
  }
  const data: unknown = doc.toJS({ maxAliasCount: 100 });
  if (data === null || data === undefined) throw new ConfigError(file, undefined, 'the file is empty');
  const result = schema.safeParse(data);
  if (result.success) {
    const lineOf = (path: Array<string | number>): number | undefined => {
      const node: unknown = doc.getIn(path, true);
      return isNode(node) && node.range ? lc.linePos(node.range[0]).line : undefined;
    };
    return { data: result.data, lineOf };
  }
  // a misspelt key also makes the key it was meant to be missing: the unknown key says more
  const issues = result.error.issues;
  const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0]!;
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  const unknownKey = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
  // walk up the path until a node with a position is found (a missing key has none)
  const at = unknownKey !== undefined ? [...path, unknownKey] : path;
  let line: number | undefined;
  for (let n = at.length; n >= 0 && line === undefined; n--) {
    const node: unknown = n === 0 ? doc.contents : doc.getIn(at.slice(0, n), true);
    if (isNode(node) && node.range) line = lc.linePos(node.range[0]).line;
  }
  const missing = path.length > 0 && !hasKey(path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true), path.at(-1)!);
  throw new ConfigError(file, line, `${where(doc, path)}${missing ? 'missing: ' : ''}${issue.message}`);
}

/** The path as a reader finds it: `rules.4.kind` reads `rule local/x: kind` when the rule has an id. */
function where(doc: Document, path: Array<string | number>): string {
  if (path.length === 0) return '';
  const id: unknown = path[0] === 'rules' && typeof path[1] === 'number' ? doc.getIn(['rules', path[1], 'id']) : undefined;
  if (typeof id === 'string') return `rule ${id}: ${path.length > 2 ? `${path.slice(2).join('.')}: ` : ''}`;
  return path.join('.') + ': ';
}

function hasKey(parent: unknown, key: string | number): boolean {
  if (isMap(parent)) return parent.has(key);
  if (isSeq(parent)) return typeof key === 'number' && key < parent.items.length;
  return true;
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
