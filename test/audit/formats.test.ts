/** @module Report formats: SARIF 2.1.0 shape for code scanning, and hostile config text kept inert in HTML and on terminals. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runAudit } from '../../src/audit/run-audit.js';
import { diskSource } from '../../src/audit/conf/source.js';
import { renderSarif } from '../../src/audit/report/sarif.js';
import { renderHtml } from '../../src/audit/report/html.js';
import { renderText } from '../../src/audit/report/text.js';
import { WEAK, asteriskTree, exampleFiles, HARDENED } from './helpers.js';

/** The parts of a SARIF 2.1.0 log that GitHub code scanning and similar tools read. */
interface SarifLog {
  version: string;
  $schema: string;
  runs: {
    tool: { driver: { name: string; rules: { id: string; shortDescription: { text: string }; properties: Record<string, string> }[] } };
    originalUriBaseIds: Record<string, { uri: string }>;
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: unknown };
      locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
    }[];
  }[];
}

void test('SARIF output carries the fields code-scanning tools require', () => {
  const dir = join(WEAK, 'asterisk');
  const result = runAudit({ source: diskSource(), asteriskDir: dir });
  const log = JSON.parse(renderSarif(result.findings, dir)) as SarifLog;
  assert.equal(log.version, '2.1.0');
  assert.match(log.$schema, /sarif-2\.1\.0/);
  assert.equal(log.runs.length, 1);
  const run = log.runs[0]!;
  assert.equal(run.tool.driver.name, 'pbxguard');
  const ruleIds = new Set(run.tool.driver.rules.map((r) => r.id));
  assert.equal(run.results.length, result.findings.length);
  for (const r of run.results) {
    assert.ok(ruleIds.has(r.ruleId), `rule ${r.ruleId} not declared`);
    assert.equal(run.tool.driver.rules[r.ruleIndex]?.id, r.ruleId);
    assert.ok(['error', 'warning', 'note'].includes(r.level));
    assert.equal(typeof r.message.text, 'string');
    const loc = r.locations[0]!.physicalLocation;
    assert.equal(typeof loc.artifactLocation.uri, 'string');
    assert.ok(!loc.artifactLocation.uri.startsWith('/'), 'relative URIs use a uriBaseId');
    assert.ok(Number.isInteger(loc.region.startLine) && loc.region.startLine >= 1);
  }
  for (const rule of run.tool.driver.rules) {
    assert.equal(typeof rule.shortDescription.text, 'string');
    assert.match(rule.properties['security-severity'] ?? '', /^\d+\.\d$/);
  }
  assert.match(run.originalUriBaseIds.ASTERISKDIR?.uri ?? '', /^file:\/\/\/.*\/$/);
});

/** A config whose values carry markup and terminal escape sequences. */
function hostileResult() {
  const files = exampleFiles(HARDENED);
  files['manager.conf'] += '\n[<script>alert(1)</script>\u001b[31m]\nsecret = x\n';
  files['extensions.conf'] += '\n[ctx"><img src=x onerror=alert(1)>]\nexten => _X.,1,Dial(PJSIP/${EXTEN}\u001b]0;pwned\u0007)\n';
  return runAudit({ source: asteriskTree(files), asteriskDir: '/etc/asterisk' });
}

void test('config text cannot inject markup into the HTML report', () => {
  const result = hostileResult();
  assert.ok(result.findings.length >= 2, 'the hostile sections produced no findings');
  const html = renderHtml(result.findings, result.summary);
  assert.ok(!html.includes('<script>'), 'script tag passed through');
  assert.ok(!html.includes('<img'), 'img tag passed through');
  assert.ok(html.includes('&#60;script&#62;'), 'the hostile text is shown escaped');
  // every tag in the page is one the renderer writes, and none carries an event handler
  const allowed = new Set(['!doctype', 'html', 'head', 'meta', 'title', 'style', 'body', 'h1', 'h2', 'table', 'tr', 'td', 'p', 'code', 'section', 'article', 'span', 'strong', 'small', 'dl', 'dt', 'dd', 'pre']);
  for (const tag of html.matchAll(/<\/?([!a-zA-Z][a-zA-Z0-9]*)([^>]*)>/g)) {
    assert.ok(allowed.has(tag[1]!.toLowerCase()), `unexpected tag <${tag[1]}>`);
    assert.ok(!/\son\w+\s*=/i.test(tag[2]!), `event handler in ${tag[0]}`);
  }
  assert.ok(!html.includes('\u001b'));
});

void test('config text cannot put escape sequences on the terminal', () => {
  const result = hostileResult();
  const text = renderText(result.findings, result.summary, { color: false });
  assert.ok(!text.includes('\u001b') && !text.includes('\u0007'), 'raw ESC or BEL reached the terminal report');
  assert.ok(text.includes('\\x1b'), 'the escape is shown visibly');
  const colored = renderText(result.findings, result.summary, { color: true });
  // our own colours are the only escapes: every ESC starts an SGR sequence
  assert.ok([...colored.matchAll(/\u001b/g)].every((m) => /^\u001b\[[0-9;]*m/.test(colored.slice(m.index))));
});

void test('the text report explains a run of the same check once and shows every place', () => {
  const result = runAudit({ source: diskSource(), asteriskDir: join(WEAK, 'asterisk') });
  const text = renderText(result.findings, result.summary, { color: false });
  const logins = result.findings.filter((f) => f.id === 'auth-name-is-extension' && f.file === 'pjsip.auth.conf');
  assert.equal(logins.length, 3);
  for (const f of logins) assert.ok(text.includes(`  ${f.file}:${f.line}  ${f.title}`), `${f.file}:${f.line} missing`);
  // each check's explanation appears in full once, and the repeats right after it refer to it
  for (const id of new Set(result.findings.map((f) => f.id))) assert.ok(text.includes(`    why:   ${result.findings.find((f) => f.id === id)!.why}`), id);
  const block = text.slice(text.indexOf(`${logins[1]!.file}:${logins[1]!.line}`)).split('\n\n')[0]!;
  assert.match(block, /^ {4}why: {3}as above$/m);
  assert.match(block, /^ {4}fix: {3}as above$/m);
});
