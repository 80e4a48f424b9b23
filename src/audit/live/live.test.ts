/** @module The --live parsers on captured sample text: ss sockets, nft and iptables rulesets, and the findings they give. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSs } from './ss.js';
import { parseIptablesSave, parseNftJson, reachableFromAnywhere } from './firewall.js';
import { hostFindings, parseIpAddrJson } from './analyze.js';

const fixtures = resolve(fileURLToPath(import.meta.url), '../../../../test/audit/fixtures/live');
const read = (name: string): string => readFileSync(join(fixtures, name), 'utf8');

void test('ss output gives protocol, bound address and port, brackets and wildcards included', () => {
  assert.deepEqual(parseSs(read('ss-lntu.txt')), [
    { proto: 'udp', address: '0.0.0.0', port: 5060 },
    { proto: 'udp', address: '*', port: 4569 },
    { proto: 'tcp', address: '0.0.0.0', port: 443 },
    { proto: 'tcp', address: '0.0.0.0', port: 5038 },
    { proto: 'tcp', address: '127.0.0.1', port: 8088 },
    { proto: 'tcp', address: '*', port: 22 },
  ]);
  assert.deepEqual(parseSs('tcp LISTEN 0 128 [::1]:5038 [::]:*\ngarbage\n'), [{ proto: 'tcp', address: '::1', port: 5038 }]);
});

void test('an nft input chain with policy drop opens only the ports it accepts from any source', () => {
  const chains = parseNftJson(read('nft-ruleset.json'));
  assert.equal(chains.length, 1);
  assert.equal(reachableFromAnywhere(chains, 'udp', 5060), true);
  assert.equal(reachableFromAnywhere(chains, 'tcp', 5038), true);
  assert.equal(reachableFromAnywhere(chains, 'tcp', 443), false, 'accepted only from 192.168.10.0/24');
  assert.equal(reachableFromAnywhere(chains, 'tcp', 22), false);
  assert.equal(reachableFromAnywhere(chains, 'udp', 4569), false);
  assert.equal(reachableFromAnywhere(chains, 'tcp', 8088), false, 'policy drop');
});

void test('iptables-save rules are read in order, skipping rules a stranger need not match', () => {
  const chains = parseIptablesSave(read('iptables-save.txt'));
  assert.equal(reachableFromAnywhere(chains, 'udp', 5060), true);
  assert.equal(reachableFromAnywhere(chains, 'tcp', 443), true);
  assert.equal(reachableFromAnywhere(chains, 'tcp', 22), false);
  assert.equal(reachableFromAnywhere(chains, 'udp', 4569), false);
  assert.equal(reachableFromAnywhere(chains, 'tcp', 5038), false);
  assert.deepEqual(parseIptablesSave('*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n'), [], 'no filter table: no chain');
});

void test('exposed services become findings; services limited by the firewall or bound to loopback do not', () => {
  const findings = hostFindings({ listeners: parseSs(read('ss-lntu.txt')), firewall: parseNftJson(read('nft-ruleset.json')), addresses: ['203.0.113.5'] });
  assert.deepEqual(findings.map((f) => `${f.id} ${f.title.split(' is ')[0]}`).sort(), ['host-port-open AMI (tcp/5038)', 'host-port-open SIP (udp/5060)']);
  assert.equal(findings.find((f) => f.title.startsWith('AMI'))?.severity, 'high');
});

void test('with no readable firewall every wildcard-bound service is reported, and several networks add a binding note', () => {
  const findings = hostFindings({ listeners: parseSs(read('ss-lntu.txt')), firewall: undefined, addresses: ['203.0.113.5', '10.20.0.5'] });
  const open = findings.filter((f) => f.id === 'host-port-open').map((f) => f.title.split(' is ')[0]).sort();
  assert.deepEqual(open, ['AMI (tcp/5038)', 'HTTPS (admin) (tcp/443)', 'IAX2 (udp/4569)', 'SIP (udp/5060)', 'SSH (tcp/22)']);
  assert.ok(findings.some((f) => f.id === 'host-bound-all' && f.title.startsWith('SIP')));
  assert.ok(!findings.some((f) => f.id === 'host-bound-all' && f.title.startsWith('SSH')));
});

void test('ip -j addr gives the global addresses of interfaces other than loopback', () => {
  const json = JSON.stringify([
    { ifname: 'lo', addr_info: [{ local: '127.0.0.1', scope: 'host' }] },
    { ifname: 'eth0', addr_info: [{ local: '203.0.113.5', scope: 'global' }, { local: 'fe80::1', scope: 'link' }] },
    { ifname: 'eth1', addr_info: [{ local: '10.20.0.5', scope: 'global' }] },
  ]);
  assert.deepEqual(parseIpAddrJson(json), ['203.0.113.5', '10.20.0.5']);
});
