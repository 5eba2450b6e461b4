/** Request bodies of setup, sign-in and the password change (checked by the input layer, common/input.ts). */
import { Type, type Static } from '@sinclair/typebox';

/** The values (an email address, a strong enough password, a time zone…) are checked by the auth service. */
export const SetupBody = Type.Object(
  {
    email: Type.Optional(Type.Unknown({ description: 'the first administrator’s email address' })),
    password: Type.Optional(Type.Unknown({ description: 'at least 12 characters' })),
    name: Type.Optional(Type.Unknown({ description: 'the administrator’s name' })),
    workspaceName: Type.Optional(Type.Unknown()),
    baseCurrency: Type.Optional(Type.Unknown({ description: 'ISO 4217 code' })),
    timeZone: Type.Optional(Type.Unknown({ description: 'an IANA time zone' })),
    locale: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false, 'x-send': 'Send {email, password, name}' },
);
export type SetupBody = Static<typeof SetupBody>;

export const LoginBody = Type.Object(
  { email: Type.String(), password: Type.String() },
  {
    'x-send': 'Send {email, password}',
    'x-refuse': { details: { email: { code: 'REQUIRED', message: 'email and password are required' } } },
  },
);
export type LoginBody = Static<typeof LoginBody>;

export const PasswordChangeBody = Type.Object(
  {
    currentPassword: Type.String({
      'x-error': { code: 'REQUIRED', message: 'your current password', text: 'currentPassword is required' },
    }),
    newPassword: Type.Optional(Type.Unknown({ description: 'at least 12 characters' })),
  },
  {
    additionalProperties: false,
    'x-send': 'Send {currentPassword, newPassword}',
    'x-unexpected': { message: 'allowed: currentPassword, newPassword' },
  },
);
export type PasswordChangeBody = Static<typeof PasswordChangeBody>;
