import { defineConfig, loadEnv, Modules } from '@medusajs/framework/utils';

loadEnv(process.env.NODE_ENV ?? 'development', process.cwd());

/** Required settings, read once: a missing one stops the start with the variable's name. */
function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Set ${name} (see connectors/medusa/README.md, step 2).`);
  return value;
}

export default defineConfig({
  projectConfig: {
    databaseUrl: required('DATABASE_URL'),
    http: {
      storeCors: process.env.STORE_CORS ?? 'http://127.0.0.1',
      adminCors: process.env.ADMIN_CORS ?? 'http://127.0.0.1',
      authCors: process.env.AUTH_CORS ?? 'http://127.0.0.1',
      jwtSecret: required('JWT_SECRET'),
      cookieSecret: required('COOKIE_SECRET'),
      // Medusa's own admin JWTs: short, so one issued before TOTP enrolment does not outlive it by a day.
      jwtExpiresIn: '15m',
    },
  },
  admin: { disable: true },
  modules: [
    { resolve: './src/modules/concierge' },
    {
      resolve: '@medusajs/medusa/auth',
      dependencies: [Modules.CACHE, 'logger'],
      options: {
        providers: [{ resolve: '@medusajs/medusa/auth-emailpass', id: 'emailpass' }],
        mfa: { encryption_key: required('AUTH_MFA_ENCRYPTION_KEY'), challenge_ttl_seconds: 300 },
      },
    },
  ],
});
