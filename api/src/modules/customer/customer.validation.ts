/**
 * Validation of customer identifiers: phone numbers (libphonenumber-js, stored
 * as E.164), Italian codice fiscale (codice-fiscale-js) and partita IVA.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { codiceFiscale, isValidPartitaIva } from './italian-ids.js';

export { isValidPartitaIva };

/** A person's 16-character codice fiscale (checked with codice-fiscale-js) or a company's 11-digit one (= partita IVA rules). */
export function isValidCodiceFiscale(value: string): boolean {
  const v = value.toUpperCase();
  if (/^\d{11}$/.test(v)) return isValidPartitaIva(v);
  try {
    return codiceFiscale().check(v);
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
  companyName: optionalText,
  codiceFiscale: z.string().trim().toUpperCase().refine(isValidCodiceFiscale, 'Not a valid codice fiscale.').nullish(),
  partitaIva: z
    .string()
    .trim()
    .transform((v) => v.replace(/^IT/i, ''))
    .refine(isValidPartitaIva, 'Not a valid partita IVA (11 digits with a valid check digit).')
    .nullish(),
  pec: z.string().trim().toLowerCase().pipe(z.email('Enter a valid PEC address.')).nullish(),
  sdi: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9]{7}$/, 'An SDI code has 7 letters or digits.')
    .nullish(),
  tier: z.enum(['STANDARD', 'PREMIUM', 'BUSINESS', 'PARTNER']).nullish(),
  customAttributes: z.record(z.string(), z.unknown()).nullish(),
};

export const CreateCustomerInput = z.object(customerFields);
export const UpdateCustomerInput = z.object(customerFields).partial();
