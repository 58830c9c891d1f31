import { z } from 'zod';
import { Id, Timestamp } from './common';

export const Permission = z.enum([
  'customers.read',
  'assist.view',
  'assist.act',
  'sessions.read.all',
  'sessions.terminate',
  'audit.read.own',
  'audit.read.all',
  'settings.manage',
]);
export type Permission = z.infer<typeof Permission>;

export const Role = z.enum(['trainee', 'agent', 'supervisor', 'admin']);
export type Role = z.infer<typeof Role>;

const trainee: readonly Permission[] = ['customers.read', 'audit.read.own'];
const agent: readonly Permission[] = [...trainee, 'assist.view', 'assist.act'];
const supervisor: readonly Permission[] = [...agent, 'sessions.read.all', 'sessions.terminate', 'audit.read.all'];

/** The one place roles turn into permissions; the shop checks these on every request. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  trainee,
  agent,
  supervisor,
  admin: Permission.options,
};

export function permissionsOf(role: Role): Permission[] {
  return [...ROLE_PERMISSIONS[role]];
}

export const Email = z.string().trim().toLowerCase().pipe(z.email().max(254));

export const Staff = z.object({
  id: Id,
  email: z.string(),
  name: z.string(),
  role: Role,
  permissions: z.array(Permission),
});
export type Staff = z.infer<typeof Staff>;

export const LoginRequest = z.object({
  email: Email,
  password: z.string().min(1).max(1024),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

export const LoginResponse = z.object({
  mfaRequired: z.literal(true),
  mfaToken: z.string(),
});
export type LoginResponse = z.infer<typeof LoginResponse>;

export const TotpCode = z
  .string()
  .trim()
  .regex(/^\d{6}$/, 'must be 6 digits');

export const MfaRequest = z.object({
  mfaToken: z.string().min(1).max(256),
  code: TotpCode,
});
export type MfaRequest = z.infer<typeof MfaRequest>;

export const TokenResponse = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  accessTokenExpiresAt: Timestamp,
  staff: Staff,
});
export type TokenResponse = z.infer<typeof TokenResponse>;

export const RefreshRequest = z.object({ refreshToken: z.string().min(1).max(256) });
export type RefreshRequest = z.infer<typeof RefreshRequest>;

/** `POST /auth/logout`: no body (or `{}`) ends this sign-in and its sessions only. */
export const LogoutRequest = z
  .object({
    everywhere: z
      .boolean()
      .optional()
      .describe('Sign out everywhere (default false): every sign-in of this staff member and all their sessions end.'),
  })
  .strict();
export type LogoutRequest = z.infer<typeof LogoutRequest>;

export const StepUpRequest = z.union([
  z.object({ code: TotpCode }).strict(),
  z.object({ password: z.string().min(1).max(1024) }).strict(),
]);
export type StepUpRequest = z.infer<typeof StepUpRequest>;

export const StepUpResponse = z.object({
  stepUpToken: z.string(),
  expiresAt: Timestamp,
});
export type StepUpResponse = z.infer<typeof StepUpResponse>;
