/**
 * @module Generates a FreePBX-scale Asterisk configuration (FreePBX's file layout and context structure) for the
 * audit benchmark: N PJSIP extensions, M trunks with identify/registration, and enough dialplan contexts
 * (outbound routes, IVRs, ring groups, time conditions, feature codes) to reach the requested context count.
 * Deterministic: the same sizes give the same bytes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface FreepbxSize {
  extensions: number;
  trunks: number;
  contexts: number;
}

/** A small deterministic generator so secrets look random but runs are reproducible. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!#%&*+-=?@^_';

export function generateFreepbx(size: FreepbxSize): Record<string, string> {
  const rnd = prng(20261125);
  const secret = (): string => Array.from({ length: 24 }, () => ALPHABET[Math.floor(rnd() * ALPHABET.length)]).join('');
  const ext = (i: number): number => 10000 + i;
  const files: Record<string, string> = {};

  files['asterisk.conf'] = '[directories](!)\nastetcdir => /etc/asterisk\n\n[options]\nlive_dangerously = no\n';
  files['modules.conf'] = '[modules]\nautoload = yes\nnoload => chan_sip.so\n';
  files['logger.conf'] = '[general]\n\n[logfiles]\nfull => notice,warning,error,verbose,dtmf\nsecurity => security\n';
  files['manager.conf'] = '[general]\nenabled = yes\nport = 5038\nbindaddr = 127.0.0.1\n\n#include manager_additional.conf\n#include manager_custom.conf\n';
  files['manager_additional.conf'] = `[admin]\nsecret = ${secret()}\ndeny = 0.0.0.0/0.0.0.0\npermit = 127.0.0.1/255.255.255.0\nread = system,call,log,verbose,command,agent,user,config,dtmf,reporting,cdr,dialplan\nwrite = system,call,log,verbose,command,agent,user,config,dtmf,reporting,cdr,dialplan,originate\n`;
  files['manager_custom.conf'] = '';
  files['http.conf'] = '[general]\nenabled = yes\nbindaddr = 127.0.0.1\nbindport = 8088\n';

  // pjsip: FreePBX writes pjsip.conf with includes of pjsip.*.conf
  files['pjsip.conf'] = ['#include pjsip_custom.conf', '#include pjsip.transports.conf', '#include pjsip_custom_post.conf', '#include pjsip.endpoint.conf', '#include pjsip.aor.conf', '#include pjsip.auth.conf', '#include pjsip.identify.conf', '#include pjsip.registration.conf', ''].join('\n');
  files['pjsip_custom.conf'] = '';
  files['pjsip_custom_post.conf'] = '';
  files['pjsip.transports.conf'] = '[0.0.0.0-udp]\ntype = transport\nprotocol = udp\nbind = 0.0.0.0:5060\nallow_reload = no\n';
  const endpoints: string[] = [];
  const aors: string[] = [];
  const auths: string[] = [];
  const identifies: string[] = [];
  const registrations: string[] = [];
  for (let i = 0; i < size.extensions; i++) {
    const n = ext(i);
    endpoints.push(
      `[${n}]\ntype = endpoint\naors = ${n}\nauth = ${n}-auth\ntos_audio = ef\ntos_video = af41\ncos_audio = 5\ncos_video = 4\nallow = ulaw,alaw,gsm,g726,g722\ncontext = from-internal\ncallerid = Ext ${n} <${n}>\ndtmf_mode = rfc4733\naggregate_mwi = yes\nuse_avpf = no\nrtcp_mux = no\nmax_audio_streams = 1\ndirect_media = yes\nmailboxes = ${n}@device\nmwi_subscribe_replaces_unsolicited = yes\npermit = 10.${(i >> 8) & 255}.0.0/255.255.0.0\ndeny = 0.0.0.0/0.0.0.0\ncontact_deny = 0.0.0.0/0.0.0.0\ncontact_permit = 10.0.0.0/255.0.0.0\nrewrite_contact = yes\nsend_rpid = yes\nsend_pai = yes\ntrust_id_inbound = yes\n`,
    );
    aors.push(`[${n}]\ntype = aor\nmax_contacts = 1\nremove_existing = yes\nqualify_frequency = 60\nmaximum_expiration = 7200\nminimum_expiration = 60\n`);
    auths.push(`[${n}-auth]\ntype = auth\nauth_type = userpass\npassword = ${secret()}\nusername = ${n}\n`);
  }
  for (let t = 1; t <= size.trunks; t++) {
    const name = `trunk${t}`;
    endpoints.push(`[${name}]\ntype = endpoint\ntransport = 0.0.0.0-udp\ncontext = from-pstn\nidentify_by = ip\ndisallow = all\nallow = ulaw,alaw\naors = ${name}\nsend_connected_line = false\nlanguage = en\noutbound_auth = ${name}\nfrom_domain = sip${t}.provider.example\nuser_eq_phone = no\nt38_udptl = no\nfax_detect = no\ntrust_id_inbound = no\ndirect_media = no\nrtp_symmetric = yes\ndtmf_mode = auto\n`);
    aors.push(`[${name}]\ntype = aor\nqualify_frequency = 60\ncontact = sip:${name}@sip${t}.provider.example:5060\n`);
    auths.push(`[${name}]\ntype = auth\nauth_type = userpass\npassword = ${secret()}\nusername = acct${t}\n`);
    identifies.push(`[${name}]\ntype = identify\nendpoint = ${name}\nmatch = 198.51.${t >> 8}.${t & 255}\n`);
    registrations.push(`[${name}]\ntype = registration\ntransport = 0.0.0.0-udp\nclient_uri = sip:acct${t}@sip${t}.provider.example:5060\nserver_uri = sip:sip${t}.provider.example:5060\nexpiration = 3600\nretry_interval = 60\noutbound_auth = ${name}\nline = yes\nendpoint = ${name}\n`);
  }
  files['pjsip.endpoint.conf'] = endpoints.join('\n');
  files['pjsip.aor.conf'] = aors.join('\n');
  files['pjsip.auth.conf'] = auths.join('\n');
  files['pjsip.identify.conf'] = identifies.join('\n');
  files['pjsip.registration.conf'] = registrations.join('\n');

  files['voicemail.conf'] = `[general]\nformat = wav\n\n#include voicemail.conf_custom\n\n[device]\n${Array.from({ length: size.extensions }, (_, i) => `${ext(i)} => ${String(100000 + Math.floor(rnd() * 899999))},Ext ${ext(i)},,,attach=no|saycid=no|envelope=no|delete=no`).join('\n')}\n`;
  files['voicemail.conf_custom'] = '';

  // dialplan: extensions.conf includes the generated and the custom files, as FreePBX does
  files['extensions.conf'] = '[globals]\n#include globals_custom.conf\n#include extensions_additional_globals.conf\n\n#include extensions_additional.conf\n#include extensions_custom.conf\n';
  files['globals_custom.conf'] = '';
  files['extensions_custom.conf'] = '[from-internal-custom]\n\n[from-internal-additional-custom]\n';
  files['extensions_additional_globals.conf'] = Array.from({ length: size.trunks }, (_, t) => `OUT_${t + 1} = PJSIP/trunk${t + 1}\nOUTPREFIX_${t + 1} =\nOUTMAXCHANS_${t + 1} =`).join('\n') + '\n';

  const ctx: string[] = [];
  let count = 0;
  const context = (name: string, body: string): void => {
    ctx.push(`[${name}]\n${body}`);
    count++;
  };
  const routes = Math.max(1, Math.min(size.trunks, Math.floor(size.contexts / 4)));
  const ivrs = Math.max(1, Math.floor(size.contexts / 8));
  const groups = Math.max(1, Math.floor(size.contexts / 8));
  context('from-internal', 'include => from-internal-xfer\ninclude => bad-number\n');
  context('from-internal-xfer', 'include => from-internal-custom\ninclude => parkedcalls\ninclude => from-internal-additional\n');
  context('from-internal-additional', ['include => from-internal-additional-custom', 'include => app-features', 'include => ext-group', 'include => ext-local', 'include => outbound-allroutes', 'exten => h,1,Macro(hangupcall)'].join('\n') + '\n');
  context('bad-number', 'exten => _X.,1,Playback(silence/1&cannot-complete-as-dialed)\nexten => _X.,n,Congestion(20)\n');
  context('parkedcalls', 'exten => 70,1,Park()\n');
  context('from-pstn', 'include => from-pstn-custom\ninclude => ext-did\ninclude => ext-did-post\nexten => fax,1,Goto(ext-fax,in_fax,1)\n');
  context('from-pstn-custom', '');
  context('ext-did-post', 'exten => _.,1,Set(__FROM_DID=${EXTEN})\nexten => _.,n,Goto(ext-did,s,1)\nexten => s,1,Hangup()\n');
  context('ext-fax', 'exten => in_fax,1,ReceiveFAX(/tmp/fax.tif)\nexten => in_fax,n,Hangup()\n');
  context('macro-hangupcall', 'exten => s,1,Hangup()\n');
  context('macro-exten-vm', 'exten => s,1,Set(RingGroupMethod=none)\nexten => s,n,Set(VMBOX=${ARG1})\nexten => s,n,Set(EXTTOCALL=${ARG2})\nexten => s,n,Set(CFUEXT=${DB(CFU/${EXTTOCALL})})\nexten => s,n,Dial(PJSIP/${EXTTOCALL},${RINGTIMER})\nexten => s,n,GotoIf($["${VMBOX}" = "novm"]?s-NOANSWER,1)\nexten => s,n,VoiceMail(${VMBOX}@device,u)\nexten => s-NOANSWER,1,Hangup()\n');
  context('macro-dialout-trunk', ['exten => s,1,Set(DIAL_TRUNK=${ARG1})', 'exten => s,n,GotoIf($["${OUTMAXCHANS_${DIAL_TRUNK}}" = ""]?nomax)', 'exten => s,n,Set(GROUP=OUT_${DIAL_TRUNK})', 'exten => s,n(nomax),Set(DIAL_NUMBER=${ARG2})', 'exten => s,n,Set(OUTNUM=${OUTPREFIX_${DIAL_TRUNK}}${DIAL_NUMBER})', 'exten => s,n,Dial(${OUT_${DIAL_TRUNK}}/${OUTNUM},300,T)', 'exten => s,n,Goto(s-${DIALSTATUS},1)', 'exten => s-BUSY,1,Busy()', 'exten => s-CONGESTION,1,Congestion()'].join('\n') + '\n');
  context('app-features', ['exten => *97,1,Answer()', 'exten => *97,n,VoiceMailMain(${FILTER(0-9,${CALLERID(num)})}@device)', 'exten => *98,1,Answer()', 'exten => *98,n,VoiceMailMain(@device)', 'exten => *43,1,Answer()', 'exten => *43,n,Echo()', 'exten => *60,1,SayUnixTime()'].join('\n') + '\n');
  // ext-local: one block per extension, as FreePBX writes it
  context(
    'ext-local',
    Array.from({ length: size.extensions }, (_, i) => `exten => ${ext(i)},1,Set(__RINGTIMER=\${IF($["\${DB(AMPUSER/${ext(i)}/ringtimer)}" > "0"]?\${DB(AMPUSER/${ext(i)}/ringtimer)}:\${RINGTIMER_DEFAULT})})\nexten => ${ext(i)},n,Macro(exten-vm,${ext(i)},${ext(i)},0,0,0)\nexten => ${ext(i)},n,Set(__PICKUPMARK=)\nexten => ${ext(i)},n,Goto(vmret,1)\nexten => ${ext(i)},hint,PJSIP/${ext(i)}`).join('\n') + '\nexten => vmret,1,Hangup()\n',
  );
  // outbound routes: national routes open, international behind a PIN, like a careful installer
  const allroutes: string[] = [];
  for (let r = 1; r <= routes; r++) {
    const trunk = ((r - 1) % size.trunks) + 1;
    allroutes.push(`include => outrt-${r}`);
    const p = r % 3 === 0 ? `_0${(r % 7) + 2}XXXXXXXX` : r % 3 === 1 ? `_9${r % 10}NXXXXXX` : `_1${(r % 7) + 2}XXXXXXXXX`;
    context(`outrt-${r}`, [`exten => ${p},1,Macro(user-callerid,LIMIT,EXTEN,)`, `exten => ${p},n,Set(MOHCLASS=default)`, `exten => ${p},n,Set(_NODEST=)`, `exten => ${p},n,Macro(dialout-trunk,${trunk},\${EXTEN},,off)`, `exten => ${p},n,Macro(outisbusy,)`].join('\n') + '\n');
  }
  context('outbound-allroutes', allroutes.join('\n') + '\nexten => foo,1,Noop(bar)\n');
  context('macro-user-callerid', 'exten => s,1,Set(AMPUSER=${IF($["${DB(AMPUSER/${CALLERID(num)}/cidnum)}" = ""]?${CALLERID(num)}:${DB(AMPUSER/${CALLERID(num)}/cidnum)})})\nexten => s,n,MacroExit()\n');
  context('macro-outisbusy', 'exten => s,1,Playback(all-circuits-busy-now,noanswer)\nexten => s,n,Hangup()\n');
  // ring groups
  const grp: string[] = [];
  for (let g = 1; g <= groups; g++) grp.push(`exten => ${600 + g},1,Macro(user-callerid,)\nexten => ${600 + g},n,Dial(PJSIP/${ext(g % size.extensions)}&PJSIP/${ext((g + 1) % size.extensions)},20)\nexten => ${600 + g},n,Goto(ext-local,${ext(g % size.extensions)},1)`);
  context('ext-group', grp.join('\n') + '\n');
  // IVRs: callers pick digits that go to fixed extensions
  for (let v = 1; v <= ivrs; v++) {
    context(`ivr-${v}`, [`exten => s,1,Answer()`, `exten => s,n,Background(custom/ivr-${v})`, `exten => s,n,WaitExten(5)`, ...Array.from({ length: 5 }, (_, d) => `exten => ${d + 1},1,Goto(ext-local,${ext((v * 5 + d) % size.extensions)},1)`), `exten => i,1,Goto(ivr-${v},s,1)`, `exten => t,1,Hangup()`].join('\n') + '\n');
  }
  // DIDs: every trunk's numbers go to an IVR or an extension
  const dids: string[] = [];
  for (let t = 1; t <= size.trunks; t++) {
    dids.push(`exten => 55510${String(t).padStart(5, '0')},1,Set(__FROM_DID=\${EXTEN})\nexten => 55510${String(t).padStart(5, '0')},n,Goto(${t % 2 === 0 ? `ivr-${(t % ivrs) + 1},s,1` : `ext-local,${ext(t % size.extensions)},1`})`);
  }
  context('ext-did', dids.join('\n') + '\nexten => s,1,Hangup()\n');
  // time conditions and filler application contexts up to the requested count
  let tc = 1;
  while (count < size.contexts) {
    context(`timeconditions-${tc}`, `exten => s,1,GotoIfTime(08:00-17:00,mon-fri,*,*?ivr-${(tc % ivrs) + 1},s,1)\nexten => s,n,Goto(app-blackhole,hangup,1)\n`);
    tc++;
  }
  context('app-blackhole', 'exten => hangup,1,Hangup()\n');
  files['extensions_additional.conf'] = ctx.join('\n');
  return files;
}

export function writeFreepbx(dir: string, size: FreepbxSize): { files: number; bytes: number } {
  mkdirSync(dir, { recursive: true });
  let bytes = 0;
  const files = generateFreepbx(size);
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(dir, name), text);
    bytes += Buffer.byteLength(text);
  }
  return { files: Object.keys(files).length, bytes };
}
