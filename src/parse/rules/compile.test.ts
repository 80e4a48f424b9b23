import assert from 'node:assert/strict';
import { test } from 'node:test';
import { literalEnd, literalLead, positional } from './compile.js';

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
  assert.throws(() => positional(String.raw`^(?<a>x)\k<a>`), /back-references/);
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
  // no end anchor, or an alternative at the top level: nothing is known
  assert.equal(literalEnd('^Registration failed'), '');
  assert.equal(literalEnd('^a failed$|^b done$'), '');
});
