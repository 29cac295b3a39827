/**
 * Italian tax identifiers for the demo customers.
 *
 * - Codice fiscale of a person: computed and validated with `codice-fiscale-js`.
 * - Partita IVA: no maintained npm validator is a dependency of the api (the
 *   candidates, e.g. `cfpiva`, `valitalor`, `stdnum`, are unmaintained or far larger
 *   than the ten lines needed), so the check digit is computed here with the
 *   published algorithm, see {@link partitaIvaCheckDigit}.
 */
import type CodiceFiscaleClass from 'codice-fiscale-js';
import { lazyRequire } from '../../shared/lazy-require.js';

/** The package's CommonJS exports: `module.exports.CodiceFiscale` (its typings declare a default export instead). */
const codiceFiscaleModule = lazyRequire<{ CodiceFiscale?: typeof CodiceFiscaleClass }>('codice-fiscale-js');

/**
 * The `CodiceFiscale` class of codice-fiscale-js, loaded on first use (~6 MB of
 * resident memory, shared/lazy-require.ts).
 * @throws Error when the package no longer exports the class
 */
export function codiceFiscale(): typeof CodiceFiscaleClass {
  const cls = codiceFiscaleModule().CodiceFiscale;
  if (typeof cls?.compute !== 'function') throw new Error('codice-fiscale-js: CodiceFiscale class not found');
  return cls;
}

/**
 * Check digit (11th digit) of an Italian partita IVA from its first ten digits.
 *
 * Algorithm of the Agenzia delle Entrate (D.M. 23 dicembre 1976, art. 2; the
 * "Luhn" variant also used by the VIES format checks): digits 1-7 are the
 * taxpayer's serial number, 8-10 the provincial office code (001-100, or 120, 121,
 * 888, 999), and the 11th is the control digit:
 *   X = sum of the digits in odd positions (1st, 3rd, 5th, 7th, 9th);
 *   Y = sum over the digits in even positions (2nd ... 10th) of 2·d, minus 9 when 2·d > 9;
 *   check = (10 − (X + Y) mod 10) mod 10.
 * Example: 0074311015 → X = 12, Y = 11, check = 7, so 00743110157 is valid.
 */
export function partitaIvaCheckDigit(firstTen: string): number {
  if (!/^\d{10}$/.test(firstTen)) throw new Error(`partita IVA body must be 10 digits, got "${firstTen}"`);
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    const d = firstTen.charCodeAt(i) - 48;
    if (i % 2 === 0) sum += d;
    else sum += d * 2 > 9 ? d * 2 - 9 : d * 2;
  }
  return (10 - (sum % 10)) % 10;
}

/** True when `value` is 11 digits, has a valid office code and a correct check digit. */
export function isValidPartitaIva(value: string): boolean {
  if (!/^\d{11}$/.test(value)) return false;
  const office = Number(value.slice(7, 10));
  if (!((office >= 1 && office <= 100) || [120, 121, 888, 999].includes(office))) return false;
  return partitaIvaCheckDigit(value.slice(0, 10)) === Number(value[10]);
}

/** Builds a valid partita IVA from a 7-digit serial and a provincial office code (1-100). */
export function makePartitaIva(serial: number, officeCode: number): string {
  const body = String(serial).padStart(7, '0') + String(officeCode).padStart(3, '0');
  return body + String(partitaIvaCheckDigit(body));
}

export interface CodiceFiscalePerson {
  firstName: string;
  lastName: string;
  gender: 'M' | 'F';
  birthDate: { day: number; month: number; year: number };
  /** Comune name as in the ISTAT list, e.g. "Milano". */
  birthplace: string;
  /** Two-letter province, e.g. "MI". */
  province: string;
}

/** Computes a person's codice fiscale with codice-fiscale-js. */
export function computeCodiceFiscale(p: CodiceFiscalePerson): string {
  return codiceFiscale().compute({
    name: p.firstName,
    surname: p.lastName,
    gender: p.gender,
    day: p.birthDate.day,
    month: p.birthDate.month,
    year: p.birthDate.year,
    birthplace: p.birthplace,
    birthplaceProvincia: p.province,
  });
}
