import { z } from 'zod';
import {
  currentPassword,
  email,
  mustAccept,
  newPassword,
  optionalId,
  optionalPhone,
  optionalText,
  requiredText,
} from '../../domain/fields.ts';
import { LIMITS } from '../../domain/limits.ts';

const displayName = () =>
  requiredText(LIMITS.displayName.max).refine((v) => v === '' || [...v].length >= LIMITS.displayName.min, {
    message: 'errors.tooShort',
  });

/** Inputs of the accounts use cases, shared by the HTML forms and the JSON API. */
export const signUpInput = z.object({
  displayName: displayName(),
  email: email(),
  password: newPassword(),
  homeAreaId: optionalId(),
  consent: mustAccept(),
});
export type SignUpInput = z.output<typeof signUpInput>;

export const logInInput = z.object({ email: email(), password: currentPassword() });
export type LogInInput = z.output<typeof logInInput>;

export const resetRequestInput = z.object({ email: email() });

export const resetPasswordInput = z.object({
  token: requiredText(100),
  password: newPassword(),
});

export const profileInput = z.object({
  displayName: displayName(),
  phone: optionalPhone(),
  homeAreaId: optionalId(),
});
export type ProfileInput = z.output<typeof profileInput>;

export const tokenQuery = z.object({ jeton: optionalText(100) });

/**
 * Input of `create-admin` (command line). The name is needed only to create an account; without
 * a password, one is generated. Empty values mean « not given ».
 */
export const createAdminInput = z.object({
  email: email(),
  displayName: z.preprocess((v) => (v === '' || v === undefined ? null : v), displayName().nullable()),
  password: z.preprocess((v) => (v === '' || v === undefined ? null : v), newPassword().nullable()),
});
export type CreateAdminInput = z.output<typeof createAdminInput>;
