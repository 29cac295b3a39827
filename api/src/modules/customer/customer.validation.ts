/**
 * Validation of customer identifiers: phone numbers (libphonenumber-js, stored
 * as E.164), Italian codice fiscale (codice-fiscale-js) and partita IVA.
 */
import * as codiceFiscaleModule from 'codice-fiscale-js';
import type CodiceFiscaleClass from 'codice-fiscale-js';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { z } from 'zod';

/**
 * Checks an Italian partita IVA: 11 digits whose last is the check digit of
 * the Luhn-style algorithm in D.M. 23/12/1976 art. 2 (odd positions summed,
 * even positions doubled with 9 subtracted above 9; check = (10 - sum mod 10) mod 10).
 */
export function isValidPartitaIva(value: string): boolean {
  if (!/^\d{11}$/.test(value) || value === '00000000000') return false;
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    let d = Number(value[i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10 === Number(value[10]);
}

/**
 * The package's CommonJS bundle sets `module.exports.CodiceFiscale` while its
 * typings declare a default export: a plain default import yields
 * `{ CodiceFiscale }` at runtime (so `.check` was undefined and every personal
 * codice fiscale was rejected). Pick the class from whichever shape loaded.
 */
const CodiceFiscale: typeof CodiceFiscaleClass = (() => {
  const m = codiceFiscaleModule as unknown as { CodiceFiscale?: typeof CodiceFiscaleClass; default?: unknown };
  const d = m.default as ({ CodiceFiscale?: typeof CodiceFiscaleClass } & typeof CodiceFiscaleClass) | undefined;
  const cls = m.CodiceFiscale ?? d?.CodiceFiscale ?? d;
  if (typeof cls?.check !== 'function') throw new Error('codice-fiscale-js: CodiceFiscale class not found');
  return cls;
})();

/** A person's 16-character codice fiscale (checked with codice-fiscale-js) or a company's 11-digit one (= partita IVA rules). */
export function isValidCodiceFiscale(value: string): boolean {
  const v = value.toUpperCase();
  if (/^\d{11}$/.test(v)) return isValidPartitaIva(v);
  try {
    return CodiceFiscale.check(v);
  } catch {
    return false;
  }
}

/** Parses a phone number to E.164 (`+31612345678`); numbers without a country code are read as Dutch. Returns null when invalid. */
export function toE164(phone: string, defaultCountry: CountryCode = 'NL'): string | null {
  const p = parsePhoneNumberFromString(phone, defaultCountry);
  return p?.isValid() ? p.number : null;
}

const optionalText = z.string().trim().min(1).nullish();

/** Field rules shared by createCustomer and updateCustomer. */
export const customerFields = {
  name: z.string().trim().min(1, 'Name is required.').max(200),
  email: z.string().trim().toLowerCase().pipe(z.email('Enter a valid e-mail address.')).nullish(),
  phone: z
    .string()
    .trim()
    .transform((v, c) => {
      const e164 = toE164(v);
      if (!e164) c.addIssue({ code: 'custom', message: 'Enter a valid phone number, e.g. +31612345678.' });
      return e164 ?? v;
    })
    .nullish(),
  waId: z.string().trim().regex(/^\d{6,15}$/, 'A WhatsApp id is the phone number in digits, without "+".').nullish(),
  companyName: optionalText,
  codiceFiscale: z
    .string()
    .trim()
    .toUpperCase()
    .refine(isValidCodiceFiscale, 'Not a valid codice fiscale.')
    .nullish(),
  partitaIva: z
    .string()
    .trim()
    .transform((v) => v.replace(/^IT/i, ''))
    .refine(isValidPartitaIva, 'Not a valid partita IVA (11 digits with a valid check digit).')
    .nullish(),
  pec: z.string().trim().toLowerCase().pipe(z.email('Enter a valid PEC address.')).nullish(),
  sdi: z.string().trim().toUpperCase().regex(/^[A-Z0-9]{7}$/, 'An SDI code has 7 letters or digits.').nullish(),
  tier: z.enum(['STANDARD', 'PREMIUM', 'BUSINESS', 'PARTNER']).nullish(),
  customAttributes: z.record(z.string(), z.unknown()).nullish(),
};

export const CreateCustomerInput = z.object(customerFields);
export const UpdateCustomerInput = z.object(customerFields).partial();
