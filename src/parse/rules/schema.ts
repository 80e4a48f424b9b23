/** @module The shape of a rule file: rules as data, each carrying the sample lines that test it. */
import { z } from 'zod';
import { EVENT_KINDS, SERVICES } from '../../core/events.js';

export const LOG_FAMILIES = ['asterisk', 'sshd', 'apache-error', 'nginx-error', 'http-access', 'syslog'] as const;

const SampleExpect = z.union([
  z.literal('none'),
  z.literal('ambiguous'),
  z.strictObject({
    ip: z.string(),
    port: z.number().int().optional(),
    account: z.string().optional(),
    extension: z.string().optional(),
    kind: z.enum(EVENT_KINDS).optional(),
    service: z.enum(SERVICES).optional(),
    scanner: z.string().optional(),
    /** the line is in a form client text can forge (SecurityEvent.forgeable): stated whenever so */
    forgeable: z.literal(true).optional(),
  }),
]);

export const SampleSchema = z.strictObject({
  /** earlier lines of the same log, read first (for `address: session` rules) */
  context: z.array(z.string().min(1)).max(20).optional(),
  line: z.string().min(1),
  expect: SampleExpect,
  /** why an unusual sample is here */
  why: z.string().optional(),
});
export type Sample = z.infer<typeof SampleSchema>;

export const RuleSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9._/-]*$/, 'lower-case id: letters, digits, . _ / -'),
    description: z.string().optional(),
    /** the program source that writes the line, e.g. `channels/chan_sip.c:29080 (branch 20)` */
    source: z.string().optional(),
    log: z.enum(LOG_FAMILIES),
    /** Asterisk source files (as the log prefix names them) or syslog programs; absent = any */
    files: z.array(z.string().min(1)).min(1).optional(),
    programs: z.array(z.string().min(1)).min(1).optional(),
    service: z.enum(SERVICES),
    // `ambiguous` is the matcher's verdict on a line, not a kind a rule may give
    kind: z.enum(EVENT_KINDS).exclude(['ambiguous']),
    /**
     * `line` (default): the address is in the line. `session`: the line has none, and the address
     * is the one an earlier line of the same sshd process named (one process per connection).
     */
    address: z.enum(['line', 'session']).optional(),
    /**
     * The line ends a connection (sshd's `Connection closed by … [preauth]`): it counts only when no
     * earlier line of the same process was counted, since the attempts it closes were, and the
     * process's address is forgotten after it (a pid is reused).
     */
    endsConnection: z.boolean().optional(),
    /**
     * The line is written by another process about a connection's (OpenSSH 9.8+'s listener on a
     * login timeout: `…, pid = N`): the connection is this program's process whose pid the
     * pattern captures as `(?<pid>…)`. With `endsConnection`.
     */
    connectionOf: z
      .string()
      .regex(/^[A-Za-z][\w./-]{0,63}$/)
      .optional(),
    /** a literal the message must contain; tested before any regex */
    prefilter: z.string().min(1),
    /** regexes over the message, tried in order; placeholders {IP} {IP_PORT} {IP_AND_PORT} {SEC_ADDR} {ANY} {ANY:name} */
    patterns: z.array(z.string().min(1)).min(1),
    samples: z.array(SampleSchema).min(1),
  })
  .refine((r) => r.connectionOf === undefined || r.endsConnection === true, {
    message: 'connectionOf names the connection the line ends: it needs endsConnection: true',
    path: ['connectionOf'],
  })
  .refine((r) => r.samples.some((s) => s.expect === 'none'), {
    message: 'every rule needs at least one sample it must not take (expect: none)',
    path: ['samples'],
  })
  .refine((r) => r.samples.some((s) => typeof s.expect === 'object'), {
    message: 'every rule needs at least one sample it takes',
    path: ['samples'],
  });
export type RuleDef = z.infer<typeof RuleSchema>;

export const RuleFileSchema = z.strictObject({ rules: z.array(RuleSchema).min(1) });

export const FingerprintFileSchema = z.strictObject({
  fingerprints: z
    .array(
      z.strictObject({
        id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
        description: z.string().optional(),
        /** case-insensitive substrings looked for in the User-Agent, From or account of an event */
        userAgent: z.array(z.string().min(3)).optional(),
        from: z.array(z.string().min(3)).optional(),
      }),
    )
    .min(1),
});
export type FingerprintDef = z.infer<typeof FingerprintFileSchema>['fingerprints'][number];
