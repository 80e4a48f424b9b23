/** @module Secrets an attacker tries first: common passwords, PBX and vendor defaults, and documentation examples. */

/**
 * Lower-cased. Sources: widely published lists of the most used passwords, the defaults of FreePBX,
 * Asterisk's own sample files (`mysecret` in manager.conf.sample, `welcome` in iax.conf.sample) and the
 * numeric sequences brute-force tools such as svcrack try first.
 */
export const COMMON_SECRETS: ReadonlySet<string> = new Set([
  '', '0', '00', '000', '0000', '00000', '000000', '0000000', '00000000',
  '1', '12', '123', '1234', '12345', '123456', '1234567', '12345678', '123456789', '1234567890',
  '0123', '01234', '012345', '0123456789', '4321', '54321', '654321', '987654321', '9876543210',
  '1111', '11111', '111111', '11111111', '2222', '222222', '3333', '4444', '5555', '555555', '6666', '666666',
  '7777', '777777', '8888', '888888', '9999', '999999', '1212', '121212', '123123', '112233', '159753', '147258369',
  '1000', '1001', '100', '101', '200', '2000', '1122', '2580', '0852', '1357', '2468', '6969', '7890',
  'password', 'password1', 'password123', 'passw0rd', 'p@ssw0rd', 'p@ssword', 'pass', 'pass123', 'passwd',
  'secret', 'secret1', 'secret123', 'mysecret', 'changeme', 'changeit', 'default', 'letmein', 'welcome', 'welcome1',
  'admin', 'admin1', 'admin123', 'administrator', 'root', 'toor', 'user', 'guest', 'test', 'test123', 'testing',
  'demo', 'qwerty', 'qwerty123', 'qwertyuiop', 'asdf', 'asdfgh', 'zxcvbn', 'abc', 'abc123', 'abcd', 'abcd1234',
  'abcdef', 'iloveyou', 'monkey', 'dragon', 'master', 'sunshine', 'princess', 'football', 'baseball', 'shadow',
  'superman', 'trustno1', 'hello', 'freedom', 'whatever', 'login', 'starwars', 'access', 'letmein1',
  'asterisk', 'asterisk1', 'asterisk123', 'freepbx', 'freepbx1', 'elastix', 'trixbox', 'issabel', 'pbx', 'voip',
  'sip', 'phone', 'telephone', 'amp111', 'amp109', 'ampmgr', 'fpbx', 'manager', 'voicemail', 'support',
  'cisco', 'polycom', 'yealink', 'grandstream', 'snom', '456', '789', 'aaaa', 'aaaaaa', 'xxxx',
]);

/** The example password printed in Asterisk's README-SERIOUSLY.bestpractices.md, which tells readers not to use it. */
export const DOCUMENTED_EXAMPLE_SECRETS: ReadonlySet<string> = new Set(['aE3%B8*$jk^G']);
