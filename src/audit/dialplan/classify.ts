/** @module Names the kind of number a Dial() sends to a trunk: international, premium rate or other. */

export type NumberClass = 'international' | 'premium' | 'other';

/**
 * Exit codes 00 (most of the world), 011 (North America), `+`; premium ranges 1-900/1-976 (NANP) and 09xx (much of Europe).
 * A leading 9 for an outside line is tolerated.
 */
export function classifyNumber(number: string): NumberClass {
  const n = number.replace(/[\s-]/g, '');
  const stripped = /^9(00|011|\+)/.test(n) ? n.slice(1) : n;
  if (/^(\+|00|011)/.test(stripped)) return 'international';
  if (/^1?(900|976)/.test(stripped) || /^09\d/.test(stripped)) return 'premium';
  return 'other';
}
