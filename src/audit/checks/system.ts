/** @module Checks of Asterisk itself: #exec in config, live_dangerously, and files Asterisk would refuse. */
import type { Finding, SwitchCheck } from '../finding.js';
import { findingAt, switchFindings } from '../finding.js';
import type { PbxConfig } from '../pbx.js';
import { firstSection, switchedOn } from '../conf/model.js';

/** asterisk.conf [options] switches that hand the host to whoever reaches AMI/ARI or a config file. */
const OPTION_SWITCHES: readonly SwitchCheck[] = [
  {
    key: 'live_dangerously',
    id: 'live-dangerously',
    severity: 'high',
    title: 'Dangerous dialplan functions may be run from AMI and ARI',
    why: 'README-SERIOUSLY: with live_dangerously=yes, an AMI or ARI client can read SHELL() (runs commands) or write FILE() (changes files).',
    fix: 'Set `live_dangerously=no` in [options] of asterisk.conf (the default since Asterisk 12).',
  },
  {
    key: 'execincludes',
    id: 'execincludes-on',
    severity: 'medium',
    title: 'Config files may run programs (#exec)',
    why: 'Anyone who can write one config file (a web GUI, a misconfigured upload) then runs code as Asterisk on the next reload.',
    fix: 'Set `execincludes=no` unless you use #exec.',
  },
];

export function systemFindings(pbx: PbxConfig): Finding[] {
  const options = firstSection(pbx.files['asterisk.conf'], 'options');
  const out = switchFindings(OPTION_SWITCHES, (key) => switchedOn(options, key));
  for (const conf of Object.values(pbx.files)) {
    for (const ex of conf.execs) {
      out.push(
        findingAt(ex.at, {
          id: 'config-exec',
          severity: 'high',
          title: 'A config file runs a program when Asterisk loads it',
          evidence: `#exec ${ex.command}`,
          why: 'The program runs as the Asterisk user at every reload; its output becomes configuration no audit can see. (pbxguard did not run it.)',
          fix: 'Generate the file ahead of time and #include it, or check that the program and everything it reads are writable by root only.',
        }),
      );
    }
    for (const d of conf.diagnostics) {
      if (d.severity !== 'error') continue;
      out.push(
        findingAt(d.at, {
          id: 'config-parse-error',
          severity: 'low',
          title: 'Asterisk would reject or misread this config',
          evidence: d.message,
          why: 'A file Asterisk cannot load leaves the module running with defaults, which are not the settings you audited.',
          fix: 'Correct the line so that the file loads cleanly.',
        }),
      );
    }
  }
  return out;
}
