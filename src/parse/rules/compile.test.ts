import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RuleSchema } from './schema.js';
import { compileRule, DECOY_CHECK_FROM, literalEnd, literalLead, MAX_MULTI_ANY_INPUT, MAX_STOPPER_COPIES, maxLength, positional, runnable } from './compile.js';

test('positional numbers capture groups as the regex engine does and drops their names', () => {
  const cases = [
    String.raw`^a(?<ip>\d+)(?:x)(?<port>\d+)$`,
    String.raw`^\((?<from>[^)(]*)\) (b)(?<account>.*?)$`,
    String.raw`^[(?<x>](?<ip>y)(?=z)(?<!w)(?<ua>q)`,
    String.raw`^[\](](?<service>s)\\(?<ip>t)`,
  ];
  for (const src of cases) {
    const p = positional(src);
    // a class such as [(?<x>] is literal text and stays
    assert.ok(!/\(\?<[a-z]+>/.test(p.source.replace(/\[(?:\\.|[^\]\\])*\]/g, '')), `names left in ${p.source}`);
    const named = new RegExp(src);
    const sample = ['a12x34', '(f) bacc', '(yqz', ']s\\t', '[yq'].find((t) => named.test(t));
    if (sample === undefined) continue;
    const m = new RegExp(p.source).exec(sample)!;
    const g = named.exec(sample)!.groups!;
    for (const [name, slot] of Object.entries(p.slots)) if (slot !== 0) assert.equal(m[slot], g[name], `${name} of ${src} on ${sample}`);
  }
  assert.throws(() => positional(String.raw`^(?<account>x)\k<account>`), /back-references/);
  // a name no slot reads would capture text that silently goes nowhere (a misspelt `accont`)
  assert.throws(() => positional(String.raw`^(?<user>x)`), /unknown group name "user"/);
});

test('literalLead is text every match starts with, and empty where that is not known', () => {
  assert.equal(literalLead(String.raw`^Registration from '(.*?)' failed`), "Registration from '");
  assert.equal(literalLead(String.raw`^SecurityEvent="FailedACL",EventTV="[^"]*"`), 'SecurityEvent="FailedACL",EventTV="');
  assert.equal(literalLead(String.raw`^Call \(x\) from`), 'Call (x) from');
  // a quantifier takes its character out of the lead
  assert.equal(literalLead(String.raw`^Hosts? from`), 'Host');
  assert.equal(literalLead(String.raw`^ab*c`), 'a');
  // no anchor, or an alternative at the top level: nothing is known
  assert.equal(literalLead('Registration from'), '');
  assert.equal(literalLead('^Failed|^Accepted'), '');
  assert.equal(literalLead(String.raw`^\d+ x`), '');
  // an alternative inside a group is fine
  assert.equal(literalLead('^Request (?:a|b) x'), 'Request ');
});

test('literalEnd is text every match ends with, and empty where that is not known', () => {
  assert.equal(literalEnd(String.raw`^Request from '(.*?)' failed \(callid: (?:.*?)\) - (?:Failed|Error) to authenticate$`), ' to authenticate');
  assert.equal(literalEnd(String.raw`^x (\d+) tries \(done\)$`), ' tries (done)');
  // a quantifier takes its character out, and a group or a class ends the text
  assert.equal(literalEnd(String.raw`^x ms?$`), '');
  assert.equal(literalEnd(String.raw`^x found(?: after \d+ ms)?$`), '');
  assert.equal(literalEnd(String.raw`^x [a-z] y$`), ' y');
  // backslashes: `\\` is a backslash, `\\\d` a backslash and a digit class, `\$` a dollar sign
  assert.equal(literalEnd(String.raw`^x\\y$`), String.raw`x\y`);
  assert.equal(literalEnd(String.raw`^x\\\d$`), '');
  assert.equal(literalEnd(String.raw`^x \$`), '');
  assert.equal(literalEnd(String.raw`^x \\$`), String.raw`x \ `.trimEnd());
  // escapes longer than a character are no text, and neither are their operands
  for (const src of [String.raw`^x\cJ$`, String.raw`^x\101$`, String.raw`^a\d{2}$`]) assert.equal(literalEnd(src), '', src);
  // without its hex digits `\x` is the letter x; any escaped sign is that sign
  assert.equal(literalEnd(String.raw`^x\x2$`), 'xx2');
  assert.equal(literalEnd(String.raw`^foo \x[\\]abc$`), 'abc');
  assert.equal(literalEnd(String.raw`^a\:b\ c\@$`), 'a:b c@');
  // \xHH and \uHHHH name one character
  assert.equal(literalEnd(String.raw`^as \x27$`), "as '");
  assert.equal(literalEnd(String.raw`^x\u0021$`), 'x!');
  assert.equal(literalEnd(String.raw`^x\u{21}y$`), 'y');
  assert.equal(literalEnd(String.raw`^(a)\1b$`), 'b');
  assert.equal(literalEnd(String.raw`^(?<n>a)\k<n>c$`), 'c');
  assert.equal(literalEnd(String.raw`^x\p{L}z$`), 'z');
  assert.equal(literalEnd(String.raw`^x{2}y$`), 'y');
  // no end anchor, or an alternative at the top level: nothing is known
  assert.equal(literalEnd('^Registration failed'), '');
  assert.equal(literalEnd('^a failed$|^b done$'), '');
});

test('a pattern with two {ANY} spans knows the text after each, and how many copies a message may hold', () => {
  const rule = compileRule(
    { id: 't/two', log: 'asterisk', files: ['t.c'], service: 'sip', kind: 'auth_failure', prefilter: 'from', patterns: ["^Call from '{ANY:from}' for '{IP}' to '{ANY}'\\.$"], samples: [] },
    't.yaml',
  );
  const p = rule.patterns[0]!;
  // each stopper's limit counts the copies the format writes itself (`' for '` and `'.` once each)
  assert.deepEqual(p.stoppers, [
    { text: "' for '", limit: 1 + MAX_STOPPER_COPIES },
    { text: "'.", limit: 1 + MAX_STOPPER_COPIES },
  ]);
  const line = (from: string) => `Call from '${from}' for '192.0.2.1' to '100'.`;
  assert.ok(runnable(p, line('x'.repeat(DECOY_CHECK_FROM))), 'a long honest message is run');
  assert.ok(runnable(p, line("' for '".repeat(MAX_STOPPER_COPIES) + 'x'.repeat(DECOY_CHECK_FROM))), 'as many decoys as allowed');
  assert.ok(!runnable(p, line("' for '".repeat(MAX_STOPPER_COPIES + 1) + 'x'.repeat(DECOY_CHECK_FROM))), 'one decoy more');
  assert.ok(runnable(p, line("' for '".repeat(50))), 'a short message is run whatever it holds');
  assert.ok(!runnable(p, line('x'.repeat(MAX_MULTI_ANY_INPUT))), 'longer than any Asterisk writes');
});

test('placeholders and names are checked: a misspelt one is an error, not text that never matches', () => {
  const def = (pattern: string) => ({ id: 't/x', log: 'asterisk' as const, files: ['t.c'], service: 'sip' as const, kind: 'auth_failure' as const, prefilter: 'from', patterns: [pattern], samples: [] });
  assert.throws(() => compileRule(def('^login from {ip}$'), 't.yaml'), /unknown placeholder \{ip\}/);
  assert.throws(() => compileRule(def('^login from {IPV6}$'), 't.yaml'), /unknown placeholder \{IPV6\}/);
  assert.throws(() => compileRule(def('^login by {ANY:user} from {IP}$'), 't.yaml'), /\{ANY:user\}: unknown name "user"/);
  assert.throws(() => compileRule(def('^login from (?:{IP})$'), 't.yaml'), /\{IP\} must not stand inside a group/);
  // a quantifier is no placeholder
  assert.equal(compileRule(def('^login x{2} from {IP}$'), 't.yaml').id, 't/x');
});

test('a rule about another process\'s connection captures its pid, and needs endsConnection', () => {
  const def = (pattern: string, endsConnection = true) => ({ id: 't/x', log: 'sshd' as const, service: 'ssh' as const, kind: 'scan' as const, prefilter: 'Timeout', endsConnection, connectionOf: 'sshd-session', patterns: [pattern], samples: [] });
  assert.equal(compileRule(def('^Timeout for connection from {IP}, pid = (?<pid>\\d{1,10})$'), 't.yaml').connectionOf, 'sshd-session');
  assert.throws(() => compileRule(def('^Timeout for connection from {IP}, pid = \\d{1,10}$'), 't.yaml'), /captures the pid of the connection it ends/);
  const schemaCheck = RuleSchema.safeParse({ ...def('^x {IP} (?<pid>\\d+)$', false), samples: [{ line: 'a', expect: 'none' }, { line: 'b', expect: { ip: '192.0.2.1' } }] });
  assert.match(JSON.stringify(schemaCheck.error?.issues), /connectionOf names the connection the line ends: it needs endsConnection: true/);
});

test('a pattern is anchored, has no top-level alternative, takes its address for sure, and captures only known names', () => {
  const def = (pattern: string) => ({ id: 't/x', log: 'asterisk' as const, files: ['t.c'], service: 'sip' as const, kind: 'auth_failure' as const, prefilter: 'login', patterns: [pattern], samples: [] });
  assert.throws(() => compileRule(def('login failed from {IP} port \\d{1,5}'), 't.yaml'), /starts with \^/);
  assert.throws(() => compileRule(def('^Bad login$|^Bad login from {IP}$'), 't.yaml'), /no \| at the top level/);
  assert.throws(() => compileRule(def('^Worse login from {IP}?$'), 't.yaml'), /\{IP\} must not be optional or repeated/);
  assert.throws(() => compileRule(def('^Bad login from {IP} for user (?<ip>\\S{1,64})$'), 't.yaml'), /unknown group name "ip"/);
  assert.equal(compileRule(def('^Bad login by (?<account>\\S+) from {IP} port (?<port>\\d+)$'), 't.yaml').id, 't/x');
});

test('a repeated group that starts with a repeat is refused: it can take exponential time on a line made for it', () => {
  const def = (pattern: string) => ({ id: 't/x', log: 'asterisk' as const, files: ['t.c'], service: 'sip' as const, kind: 'auth_failure' as const, prefilter: 'login', patterns: [pattern], samples: [] });
  for (const bad of ['^zzz (?:a+)+b from {IP}$', '^login (\\w+\\s?)* from {IP}$', '^login (?:{ANY},){2,} from {IP}$', '^login (?:(?:x*)y)+ from {IP}$', '^login (?<account>[a-z]*)+ from {IP}$']) {
    assert.throws(() => compileRule(def(bad), 't.yaml'), /a repeated group starts with a repeat/, bad);
  }
  // bounded repeats, and repeated groups that start with fixed text, are taken
  for (const good of ['^login (?:a{1,9})+ from {IP}$', '^login (?:a+){1,4} from {IP}$', '^login (?:error:[\\w:]*(?:x|y)\\s?)+ from {IP}$', '^login (?:\\+\\d)+ from {IP}$']) {
    assert.equal(compileRule(def(good), 't.yaml').id, 't/x', good);
  }
});

test('a lookaround holds no unbounded repeat, a pattern is ASCII with no \\p{…}, and {ANY} may follow the address', () => {
  const def = (pattern: string) => ({ id: 't/x', log: 'asterisk' as const, files: ['t.c'], service: 'sip' as const, kind: 'auth_failure' as const, prefilter: 'login', patterns: [pattern], samples: [] });
  assert.throws(() => compileRule(def('^(?=.*ssh2$)login from {IP} port \\d{1,5} ssh2$'), 't.yaml'), /a lookaround may hold no unbounded repeat/);
  assert.equal(compileRule(def('^login (?!invalid )from {IP}$'), 't.yaml').id, 't/x');
  assert.throws(() => compileRule(def('^Anmeldung für {IP}$'), 't.yaml'), /non-ASCII text in a pattern/);
  assert.throws(() => compileRule(def('^login by \\p{L}+ from {IP}$'), 't.yaml'), /\\p\{…\} needs the u flag/);
  assert.equal(compileRule(def('^login from {IP}{ANY:ua}$'), 't.yaml').id, 't/x');
});

test('maxLength is the most a regex source can match', () => {
  // Apache's prefix before the address: an anchor copy further on is no place for it
  assert.equal(maxLength(String.raw`^\[[\w-]{0,40}:?[a-z]{4,6}\d?\] (?:\[pid \d{1,10}(?::tid \d{1,20})?\] )?\[(?:client|remote) `), 101);
  const cases: Array<[string, number]> = [
    ['abc', 3],
    ['a|bcd', 3],
    ['(?:ab|c)d?', 3],
    ['x{3}', 3],
    ['x{2,5}y', 6],
    ['(?=abc)d', 1],
    ['(?<account>ab)c', 3],
    [String.raw`\x41\d`, 2],
    ['[^]]x', 3],
    ['a*', Infinity],
    ['x{2,}', Infinity],
    ['(?:ab)+', Infinity],
    [String.raw`(a)\1`, Infinity],
    // read as JavaScript reads a pattern without flags (a review's counterexamples, once undercounted)
    ['{{3}', 3],
    ['{+', Infinity],
    ['a{1', 3],
    ['a{1,', 4],
    [String.raw`\c1`, 3],
    [String.raw`\c*`, Infinity],
    [String.raw`\p{2}`, 2],
    [String.raw`\08`, 2],
    ['(?:a*){0}', 0],
  ];
  for (const [src, n] of cases) assert.equal(maxLength(src), n, src);
  // every string a regex matches is at most that long
  for (const [src, n] of cases) {
    const re = new RegExp(`^(?:${src})$`);
    const witnesses = ['', 'a', 'abc', 'bcd', 'abcd', 'xx', 'xxxxxy', 'xxxxx', 'Ad', 'd', ']x', 'abab', 'aa', 'cd', 'abd', '{{{', '{{{{{', 'a{1', 'a{1,', '\\c1', '\\ccc', 'pp', '\u00008'];
    for (const t of witnesses) if (re.test(t)) assert.ok(t.length <= n, `${src} matched ${t}`);
  }
});
