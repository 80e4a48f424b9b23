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
  let nftChains: InputChain[] | undefined;
  if (nft !== undefined) {
    try {
      nftChains = parseNftJson(nft);
    } catch {
      nftChains = undefined;
    }
    if (nftChains && nftChains.length > 0) return nftChains;
  }
  // iptables-legacy rules do not show in nft; an empty nft ruleset may sit next to them
  const ipt = await output('iptables-save', []);
  if (ipt !== undefined) return parseIptablesSave(ipt);
  return nftChains; // [] = read fine, nothing filters input; undefined = nothing could be read
}

export interface LiveResult {
  findings: Finding[];
  /** what could not be checked, for the operator */
  notes: string[];
}

export async function liveFindings(): Promise<LiveResult> {
  const ss = await output('ss', ['-H', '-lntu']);
  if (ss === undefined) throw new UsageError('--live: cannot run `ss -H -lntu` (iproute2)');
  const ip = await output('ip', ['-j', 'addr']);
  let addresses: string[] = [];
  try {
    addresses = ip === undefined ? [] : parseIpAddrJson(ip);
  } catch {
    addresses = [];
  }
  const fw = await firewall();
  const notes = fw === undefined ? ['no firewall ruleset could be read (nft -j list ruleset, iptables-save): every listening port is taken as open'] : [];
  return { findings: hostFindings({ listeners: parseSs(ss), firewall: fw, addresses }), notes };
}

/** `sshd -T -f FILE`: the configuration sshd would really use, or undefined when sshd cannot run here (not installed, no host keys, not root). */
export async function sshdEffective(sshdConfig: string): Promise<string | undefined> {
  for (const bin of ['sshd', '/usr/sbin/sshd']) {
    const out = await output(bin, ['-T', '-f', sshdConfig]);
    if (out !== undefined && out.trim() !== '') return out;
  }
  return undefined;
}
