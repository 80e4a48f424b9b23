/** @module The thin live part of `--live`: runs ss, nft or iptables-save and ip on this host and hands their text to the parsers. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Finding } from '../finding.js';
import { UsageError } from '../../cli/usage-error.js';
import { parseSs } from './ss.js';
import { parseIptablesSave, parseNftJson } from './firewall.js';
import type { InputChain } from './firewall.js';
import { hostFindings, parseIpAddrJson } from './analyze.js';

const run = promisify(execFile);

async function output(cmd: string, args: string[]): Promise<string | undefined> {
  try {
    const { stdout } = await run(cmd, args, { timeout: 10_000, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch {
    return undefined;
  }
}

async function firewall(): Promise<InputChain[] | undefined> {
  const nft = await output('nft', ['-j', 'list', 'ruleset']);
  if (nft !== undefined) {
    try {
      const chains = parseNftJson(nft);
      if (chains.length > 0) return chains;
    } catch {
      // fall through to iptables
    }
  }
  const ipt = await output('iptables-save', []);
  if (ipt !== undefined) {
    const chains = parseIptablesSave(ipt);
    return chains.length > 0 ? chains : [];
  }
  return undefined;
}

export async function liveFindings(): Promise<Finding[]> {
  const ss = await output('ss', ['-H', '-lntu']);
  if (ss === undefined) throw new UsageError('--live: cannot run `ss -H -lntu` (iproute2)');
  const ip = await output('ip', ['-j', 'addr']);
  let addresses: string[] = [];
  try {
    addresses = ip === undefined ? [] : parseIpAddrJson(ip);
  } catch {
    addresses = [];
  }
  return hostFindings({ listeners: parseSs(ss), firewall: await firewall(), addresses });
}
