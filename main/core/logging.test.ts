import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeHits, findSecrets, readLogFiles } from '../test/secret-scan';
import { asLogFn, createLogging, formatTerminalLine, LOG_MODULES, type Logging } from './logging';

const secret = () => randomBytes(32).toString('base64url');
const hex = () => randomBytes(32).toString('hex');

function captured(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

const lines = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('logging', () => {
  let dir = '';
  let logging: Logging | null = null;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'logging-'));
  });
  afterEach(async () => {
    await logging?.close();
    logging = null;
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps every secret shape out of the file and the terminal, and keeps what a support engineer needs', async () => {
    const s = {
      bearer: secret(),
      jwt: `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZ2VudCJ9.${secret()}`,
      assistCookie: secret(),
      customerCookie: secret(),
      setCookie: secret(),
      tierToken: hex(),
      urlToken: hex(),
      accessToken: secret(),
      refreshToken: secret(),
      stepUpToken: secret(),
      mfaToken: secret(),
      token: secret(),
      password: 'hunter2-correct-horse',
      code: '123456',
      totp: '654321',
      consentCode: '112233',
      nestedCookie: secret(),
      textCode: '987650',
      handoff: secret(),
      textPassword: 'p4ssw0rd-in-text',
      basic: Buffer.from('staff:pw-basic-secret').toString('base64'),
      causeCookie: secret(),
      kyAuth: secret(),
      stackToken: secret(),
    };
    const terminal = captured();
    const file = join(dir, 'logs', 'nested', 'console.log');
    logging = createLogging({ file, level: 'debug', terminal: terminal.stream });
    const log = logging.logger('sessions');

    log.info(`calling the shop with Authorization: Bearer ${s.bearer}`);
    log.warn(
      {
        headers: {
          authorization: `Bearer ${s.bearer}`,
          cookie: `concierge_assist=${s.assistCookie}`,
          'set-cookie': [`concierge_customer=${s.setCookie}; Path=/`],
          'x-concierge-token': s.tierToken,
          accept: 'application/json',
        },
      },
      'shop answered 500',
    );
    log.info(
      {
        req: {
          method: 'GET',
          url: `/assist/enter?code=${s.handoff}`,
          headers: { cookie: `concierge_assist=${s.assistCookie}` },
        },
      },
      'incoming request',
    );
    log.info(
      {
        session: {
          auth: {
            accessToken: s.accessToken,
            refreshToken: s.refreshToken,
            stepUpToken: s.stepUpToken,
            mfaToken: s.mfaToken,
            token: s.token,
            password: s.password,
            code: s.code,
            totp: s.totp,
            consentCode: s.consentCode,
            Cookie: { value: s.nestedCookie },
          },
          errorCode: 'token_expired',
        },
      },
      'session state',
    );
    log.info(
      `token JWT ${s.jwt} seen; open http://127.0.0.1:4320/?token=${s.urlToken} ; entered code=${s.textCode} for order 424242`,
    );
    log.debug(`retrying with password=${s.textPassword} and Basic ${s.basic}`);

    // Playwright's route.fetch error: its call log lists the request headers, cookie included.
    const playwright = new Error(
      `route.fetch: connect ECONNREFUSED 127.0.0.1:4310\nCall log:\n\u001b[2m  - → GET http://127.0.0.1:4310/store/us/\u001b[22m\n\u001b[2m    - cookie: concierge_assist=${s.assistCookie}\u001b[22m\n\u001b[2m    - accept: text/html\u001b[22m`,
    );
    log.error({ err: playwright }, 'routing failed');
    // A ky-style error carries its request options; a cause chain carries another message.
    const kyish = Object.assign(new Error('Request failed with status code 401'), {
      options: { headers: { Authorization: `Bearer ${s.kyAuth}` } },
      code: 'ERR_HTTP',
    });
    kyish.cause = new Error(`upstream said Set-Cookie: concierge_assist=${s.causeCookie}`);
    log.error(kyish, 'sign-in refresh failed');
    const withStack = new Error('verify failed');
    withStack.stack = `Error: verify failed for refreshToken=${s.stackToken}\n    at verify (auth.ts:1:1)`;
    asLogFn(logging.logger('auth'))('background refresh failed', withStack);
    asLogFn(logging.logger('ipc'), 'info')('refused sessions.start from an unexpected sender');
    await logging.flush();

    const files = await readLogFiles(join(dir, 'logs'));
    const hits = findSecrets([...files, { name: 'terminal', text: terminal.text() }], Object.values(s));
    expect(hits, describeHits(hits)).toEqual([]);

    const entries = lines(files[0]!.text);
    expect(entries.map((e) => e.msg)).toEqual([
      'calling the shop with Authorization: Bearer [redacted]',
      'shop answered 500',
      'incoming request',
      'session state',
      `token JWT [redacted] seen; open http://127.0.0.1:4320/?token=[redacted] ; entered code=[redacted] for order 424242`,
      'retrying with password=[redacted] and Basic [redacted]',
      'routing failed',
      'sign-in refresh failed',
      'background refresh failed',
      'refused sessions.start from an unexpected sender',
    ]);
    expect(entries[1]).toMatchObject({
      level: 'warn',
      module: 'sessions',
      headers: { accept: 'application/json', cookie: '[redacted]' },
    });
    expect(entries[2]).toMatchObject({ req: { method: 'GET', url: '/assist/enter?code=…' } });
    expect(entries[3]).toMatchObject({
      session: { auth: { code: '[redacted]', consentCode: '[redacted]' }, errorCode: 'token_expired' },
    });
    // Errors keep their stack, code and cause; only the secrets go.
    expect(entries[6]).toMatchObject({
      level: 'error',
      err: { type: 'Error', message: expect.stringContaining('ECONNREFUSED 127.0.0.1:4310') as unknown },
    });
    expect((entries[6]!.err as { message: string }).message).toContain('cookie: [redacted]');
    expect((entries[6]!.err as { stack: string }).stack).toMatch(/\n\s+at /);
    expect(entries[7]).toMatchObject({
      err: {
        code: 'ERR_HTTP',
        message: 'Request failed with status code 401',
        options: { headers: { Authorization: '[redacted]' } },
        cause: { message: 'upstream said Set-Cookie: [redacted]' },
      },
    });
    expect(entries[8]).toMatchObject({
      module: 'auth',
      level: 'warn',
      err: { stack: expect.stringContaining('refreshToken=[redacted]') as unknown },
    });
    expect(entries[9]).toMatchObject({ module: 'ipc', level: 'info' });

    // The terminal: human lines, info and above (the debug line is in the file only), stacks indented.
    const shown = terminal.text();
    expect(shown).toMatch(
      /^\d\d:\d\d:\d\d INFO {2}\[sessions\] calling the shop with Authorization: Bearer \[redacted\]$/m,
    );
    expect(shown).toMatch(/^\d\d:\d\d:\d\d ERROR \[sessions\] routing failed/m);
    expect(shown).toMatch(/^ {4}Error: route\.fetch: connect ECONNREFUSED/m);
    expect(shown).not.toContain('retrying with password');
    expect(shown).not.toContain('\u001b[');
  });

  it('writes the file with owner-only permissions and rotates it by size, keeping a fixed number of files', async () => {
    const file = join(dir, 'private', 'console.log');
    logging = createLogging({ file, rotation: { size: '2K', files: 3 } });
    const log = logging.logger('audit-mirror');
    for (let i = 0; i < 200; i += 1) log.info({ page: i }, `synced page ${i} of the audit log`);
    await logging.flush();
    expect((await readdir(join(dir, 'private'))).sort()).toEqual(['console.log', 'console.log.1', 'console.log.2']);
    if (process.platform !== 'win32') {
      expect((await stat(join(dir, 'private'))).mode & 0o777).toBe(0o700);
      for (const name of ['console.log', 'console.log.1', 'console.log.2'])
        expect((await stat(join(dir, 'private', name))).mode & 0o777).toBe(0o600);
    }
    const all = (await readLogFiles(join(dir, 'private'))).flatMap((f) => lines(f.text));
    // The newest lines are kept, each a whole JSON line.
    expect(all.some((e) => e.msg === 'synced page 199 of the audit log')).toBe(true);
    expect(all.every((e) => e.module === 'audit-mirror')).toBe(true);
    await logging.close();
    log.info('after close: dropped, not thrown');
  });

  it('is quiet without a file or terminal, and names only the known modules', () => {
    logging = createLogging({});
    expect(() => {
      logging?.logger('views').error('nowhere to go');
    }).not.toThrow();
    expect(LOG_MODULES).toContain('browser-tier');
    expect(formatTerminalLine('not json\n')).toBe('not json\n');
  });
});
