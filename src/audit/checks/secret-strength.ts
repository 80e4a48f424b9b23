/** @module Judges one secret: guessable, short or fine, and how to show it without revealing it. */
import type { Severity } from '../finding.js';
import { COMMON_SECRETS, DOCUMENTED_EXAMPLE_SECRETS } from './common-secrets.js';

export interface SecretContext {
  /** names an attacker would try as the password: the user name, extension, section name */
  identities: string[];
  /** true when nothing limits the addresses the account can be used from */
  remote: boolean;
}

export interface SecretVerdict {
  id: 'secret-empty' | 'secret-guessable' | 'secret-weak';
  severity: Severity;
  reason: string;
}

/** Minimum length for a secret that can be tried from anywhere, and for one that cannot. */
export const MIN_REMOTE_LENGTH = 12;
export const MIN_LENGTH = 8;

function charClasses(s: string): number {
  return [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(s)).length;
}

/** Returns why a password is weak, or undefined when it passes. */
export function judgeSecret(secret: string, ctx: SecretContext): SecretVerdict | undefined {
  if (secret === '') return { id: 'secret-empty', severity: 'critical', reason: 'the secret is empty' };
  const lower = secret.toLowerCase();
  if (ctx.identities.some((id) => id !== '' && id.toLowerCase() === lower)) {
    return { id: 'secret-guessable', severity: 'critical', reason: 'the secret equals the user name or extension' };
  }
  if (COMMON_SECRETS.has(lower)) return { id: 'secret-guessable', severity: 'critical', reason: 'the secret is on the list of common and default passwords' };
  if (DOCUMENTED_EXAMPLE_SECRETS.has(secret)) {
    return { id: 'secret-guessable', severity: 'high', reason: "the secret is the example printed in Asterisk's best-practices document" };
  }
  if (ctx.identities.some((id) => id.length >= 3 && lower.includes(id.toLowerCase()))) {
    return { id: 'secret-guessable', severity: 'high', reason: 'the secret contains the user name or extension' };
  }
  if (/^\d+$/.test(secret)) return { id: 'secret-weak', severity: 'high', reason: `the secret is ${secret.length} digits only` };
  if (secret.length < MIN_LENGTH) return { id: 'secret-weak', severity: 'high', reason: `the secret has only ${secret.length} characters` };
  if (ctx.remote && secret.length < MIN_REMOTE_LENGTH) {
    return { id: 'secret-weak', severity: 'medium', reason: `the account can be used from any address and the secret has only ${secret.length} characters (${MIN_REMOTE_LENGTH} or more needed)` };
  }
  if (charClasses(secret) < 3 && secret.length < 16) {
    return { id: 'secret-weak', severity: 'medium', reason: 'the secret mixes fewer than three kinds of character and is shorter than 16' };
  }
  return undefined;
}

/** Shows the shape of a secret, never the secret: reports end up in CI logs and code-scanning uploads. */
export function maskSecret(secret: string): string {
  if (secret === '') return '(empty)';
  const kinds = [/[a-z]/.test(secret) && 'lower', /[A-Z]/.test(secret) && 'upper', /[0-9]/.test(secret) && 'digits', /[^A-Za-z0-9]/.test(secret) && 'symbols'].filter(Boolean);
  return `${'*'.repeat(Math.min(secret.length, 8))} (${secret.length} chars: ${kinds.join('+')})`;
}

/** PINs are digits by design, so they are judged by guessability, not by character mix. */
export function judgePin(pin: string, mailbox: string): { reason: string; severity: Severity } | undefined {
  if (pin === '') return { reason: 'the PIN is empty', severity: 'critical' };
  if (pin === mailbox) return { reason: 'the PIN equals the mailbox number', severity: 'high' };
  if (/^(\d)\1+$/.test(pin)) return { reason: 'the PIN repeats one digit', severity: 'high' };
  const ascending = '01234567890123456789';
  const descending = '98765432109876543210';
  if (ascending.includes(pin) || descending.includes(pin)) return { reason: 'the PIN is a run of consecutive digits', severity: 'high' };
  if (mailbox.length >= 3 && pin.includes(mailbox)) return { reason: 'the PIN contains the mailbox number', severity: 'high' };
  if (pin.length < 6) return { reason: `the PIN has only ${pin.length} digits`, severity: 'medium' };
  return undefined;
}
