/** @module Static dialplan checks: unfiltered ${EXTEN}, caller text in shells, commands taken from unset variables. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConf } from '../conf/load.js';
import { memorySource } from '../conf/source.js';
import { buildDialplan } from './model.js';
import { staticDialplanFindings } from './checks.js';

const ids = (text: string): string[] =>
  staticDialplanFindings(buildDialplan(loadConf(memorySource({ '/etc/asterisk/extensions.conf': text }), '/etc/asterisk', 'extensions.conf'))).map((f) => f.id);

void test('README-SERIOUSLY: a MixMonitor post-command taken from a variable the dialplan never sets is reported', () => {
  assert.deepEqual(ids('[c]\nexten => s,1,Verbose(Incoming call)\n same => n,MixMonitor(foo.wav,,${EXEC_COMMAND})\n'), ['dialplan-variable-command']);
  assert.deepEqual(ids('[c]\nexten => s,1,Set(EXEC_COMMAND=/usr/bin/true)\n same => n,MixMonitor(foo.wav,,${EXEC_COMMAND})\n'), []);
  assert.deepEqual(ids('[globals]\nCMD=/bin/true\n[c]\nexten => s,1,System(${CMD})\n'), []);
});

void test('README-SERIOUSLY: ${EXTEN} from an open pattern must go through FILTER() before Dial()', () => {
  assert.deepEqual(ids('[c]\nexten => _X.,1,Dial(PJSIP/${EXTEN})\n'), ['dialplan-exten-unfiltered']);
  assert.deepEqual(ids('[c]\nexten => _X.,1,Dial(PJSIP/${FILTER(0-9,${EXTEN})})\n'), []);
  assert.deepEqual(ids('[c]\nexten => _X.,1,Set(SAFE_EXTEN=${FILTER(0-9,${EXTEN})})\n same => n,Dial(PJSIP/${SAFE_EXTEN})\n'), []);
  assert.deepEqual(ids('[c]\nexten => _XXXX,1,Dial(PJSIP/${EXTEN})\n'), [], 'a fixed-length pattern admits no separators');
});

void test('caller ID in System() is shell injection; a filtered one is not', () => {
  assert.deepEqual(ids('[c]\nexten => s,1,System(/bin/log ${CALLERID(num)})\n'), ['dialplan-shell-injection']);
  assert.deepEqual(ids('[c]\nexten => s,1,Set(X=${SHELL(echo ${CALLERID(name)})})\n'), ['dialplan-shell-injection']);
  assert.deepEqual(ids('[c]\nexten => s,1,System(/bin/log ${FILTER(0-9,${CALLERID(num)})})\n'), []);
});
