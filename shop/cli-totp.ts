/**
 * Prints the current TOTP code of a demo staff member, or of any base32 secret:
 *   npm run totp -- agent@demo.test
 *   npm run totp -- --secret JBSWY3DPEHPK3PXP
 */
import { parseArgs } from 'node:util';
import { Secret } from 'otpauth';
import { TOTP_PERIOD_SECONDS, totpCode } from './auth/totp';
import { DEMO_STAFF } from './seed/staff';

const USAGE = 'usage: npm run totp -- <demo staff email> | --secret <BASE32>';

function secretFrom(args: string[]): string {
  const { values, positionals } = parseArgs({ args, options: { secret: { type: 'string' } }, allowPositionals: true });
  if (values.secret !== undefined) {
    const secret = values.secret.replace(/\s+/g, '').toUpperCase();
    // fromBase32 throws on characters outside the alphabet; say so plainly instead.
    if (!/^[A-Z2-7]+=*$/.test(secret) || Secret.fromBase32(secret).bytes.length === 0)
      throw new Error('--secret must be base32 (A-Z, 2-7)');
    return secret;
  }
  const email = positionals[0]?.trim().toLowerCase();
  if (!email) throw new Error(USAGE);
  const member = DEMO_STAFF.find((s) => s.email === email);
  if (!member)
    throw new Error(`${email} is not a demo staff member; known: ${DEMO_STAFF.map((s) => s.email).join(', ')}`);
  return member.totpSecret;
}

try {
  const now = new Date();
  const secret = secretFrom(process.argv.slice(2));
  const secondsLeft = TOTP_PERIOD_SECONDS - (Math.floor(now.getTime() / 1000) % TOTP_PERIOD_SECONDS);
  process.stdout.write(`${totpCode(secret, now)}\n`);
  process.stderr.write(`(valid for ${String(secondsLeft)} more seconds)\n`);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
