/**
 * Demo customers: Dutch consumers and businesses, some Belgian, German and
 * English-speaking ones, and Italian individuals and companies with valid codice
 * fiscale, partita IVA, PEC and SDI code. Phone numbers are E.164 and checked with
 * libphonenumber-js. Phone numbers (hence WhatsApp ids) and e-mail addresses are
 * unique, so every customer's identities are too.
 */
import { Faker, base, de, en, it, nl, nl_BE } from '@faker-js/faker';
import { isValidPhoneNumber } from 'libphonenumber-js/max';
import type { CustomerTier } from '../../generated/prisma/enums.js';
import type { Lang } from './conversations.js';
import { computeCodiceFiscale, makePartitaIva } from '../../modules/customer/italian-ids.js';

export interface DemoCustomer {
  name: string;
  firstName: string;
  /** Lower case; unique among the demo customers. */
  email: string | null;
  /** E.164; unique among the demo customers. */
  phone: string;
  /** WhatsApp id: the phone number in digits without '+'; unique. */
  waId: string;
  companyName: string | null;
  codiceFiscale: string | null;
  partitaIva: string | null;
  pec: string | null;
  sdi: string | null;
  tier: CustomerTier;
  lang: Lang;
  country: 'NL' | 'BE' | 'DE' | 'IT';
  business: boolean;
  city: string;
  street: string;
  carModel: string;
  chargerModel: string;
  customAttributes: Record<string, unknown>;
}

export const CHARGERS = [
  'Zaptec Go',
  'Zaptec Go 2',
  'Easee One',
  'Easee Charge Lite',
  'Alfen Eve Single S-line',
  'Alfen Eve Pro-line',
  'Ratio io6',
  'Peblar Home',
  'Wallbox Pulsar Plus',
];
const CHARGERS_BUSINESS = ['Zaptec Pro', 'Alfen Eve Double Pro-line', 'Easee Charge Core', 'Ratio io6'];
const CARS = [
  'Tesla Model 3',
  'Tesla Model Y',
  'Volkswagen ID.4',
  'Volkswagen ID.3',
  'Kia EV6',
  'Kia Niro EV',
  'Hyundai Ioniq 5',
  'Skoda Enyaq',
  'Polestar 2',
  'Volvo EX30',
  'BYD Atto 3',
  'Renault Mégane E-Tech',
  'BMW i4',
  'MG4',
  'Peugeot e-208',
  'Audi Q4 e-tron',
];
const CARS_IT = [
  'Fiat 500e',
  'Tesla Model Y',
  'Tesla Model 3',
  'Renault 5 E-Tech',
  'Volkswagen ID.3',
  'BYD Dolphin',
  'Jeep Avenger',
  'Peugeot e-2008',
  'Mini Cooper SE',
  'Volvo EX30',
  'Lancia Ypsilon',
];

const NL_CITIES: [string, string][] = [
  ['Amsterdam', '10'],
  ['Rotterdam', '30'],
  ['Utrecht', '35'],
  ['Den Haag', '25'],
  ['Eindhoven', '56'],
  ['Groningen', '97'],
  ['Tilburg', '50'],
  ['Almere', '13'],
  ['Breda', '48'],
  ['Nijmegen', '65'],
  ['Apeldoorn', '73'],
  ['Haarlem', '20'],
  ['Amersfoort', '38'],
  ['Zwolle', '80'],
  ['Leiden', '23'],
  ['Maastricht', '62'],
  ['Delft', '26'],
  ['Hilversum', '12'],
  ['Alkmaar', '18'],
  ["'s-Hertogenbosch", '52'],
  ['Arnhem', '68'],
  ['Enschede', '75'],
  ['Zeist', '37'],
  ['Houten', '39'],
];
const NL_STREETS = [
  'Dorpsstraat',
  'Kerkstraat',
  'Molenweg',
  'Stationsweg',
  'Julianalaan',
  'Beatrixstraat',
  'Wilhelminalaan',
  'Parallelweg',
  'Schoolstraat',
  'Lindelaan',
  'Eikenlaan',
  'Kastanjelaan',
  'Prinses Irenestraat',
  'Van Goghlaan',
  'Rembrandtlaan',
  'Vondelstraat',
  'Tulpstraat',
  'Rozenstraat',
  'Zonnebloemweg',
  'Hoofdstraat',
  'Meidoornlaan',
  'Berkenlaan',
];
const NL_COMPANY = (last: string, city: string) => [
  `${last} Installatietechniek B.V.`,
  `Bakkerij ${last}`,
  `${last} & Zn. Transport`,
  `VvE ${city} Centrum`,
  `Autobedrijf ${last}`,
  `${last} Advies`,
  `Tandartspraktijk ${last}`,
];
const NL_MAIL = ['gmail.com', 'ziggo.nl', 'kpnmail.nl', 'outlook.com', 'hotmail.nl', 'xs4all.nl', 'live.nl', 'icloud.com'];

const BE_CITIES: [string, string][] = [
  ['Antwerpen', '2000'],
  ['Gent', '9000'],
  ['Leuven', '3000'],
  ['Brugge', '8000'],
  ['Hasselt', '3500'],
  ['Mechelen', '2800'],
];
const BE_STREETS = ['Kerkstraat', 'Stationsstraat', 'Nieuwstraat', 'Molenstraat', 'Kapelstraat', 'Schoolstraat'];
const DE_CITIES: [string, string][] = [
  ['Düsseldorf', '40'],
  ['Köln', '50'],
  ['Aachen', '52'],
  ['Münster', '48'],
  ['Essen', '45'],
  ['Kleve', '47'],
];
const DE_STREETS = ['Hauptstraße', 'Bahnhofstraße', 'Gartenstraße', 'Schulstraße', 'Lindenstraße', 'Bergstraße'];

/**
 * Italian comuni (ISTAT name and province) with a postal code and the provincial
 * office code used in digits 8-10 of a partita IVA (the province's ISTAT number).
 */
const IT_CITIES: [string, string, string, number][] = [
  ['Milano', 'MI', '20121', 15],
  ['Roma', 'RM', '00184', 58],
  ['Torino', 'TO', '10121', 1],
  ['Bologna', 'BO', '40121', 37],
  ['Firenze', 'FI', '50122', 48],
  ['Verona', 'VR', '37121', 23],
  ['Bergamo', 'BG', '24121', 16],
  ['Brescia', 'BS', '25121', 17],
  ['Padova', 'PD', '35121', 28],
  ['Modena', 'MO', '41121', 36],
  ['Parma', 'PR', '43121', 34],
  ['Genova', 'GE', '16121', 10],
  ['Napoli', 'NA', '80121', 63],
  ['Bari', 'BA', '70121', 72],
  ['Treviso', 'TV', '31100', 26],
  ['Monza', 'MB', '20900', 15],
];
const IT_STREETS = [
  'Via Roma',
  'Via Garibaldi',
  'Corso Vittorio Emanuele II',
  'Via Dante Alighieri',
  'Via Mazzini',
  'Viale Europa',
  'Via Giuseppe Verdi',
  'Via Cavour',
  'Piazza della Repubblica',
  'Via Matteotti',
  'Via XX Settembre',
];
const IT_FIRST_M = ['Marco', 'Alessandro', 'Giuseppe', 'Luca', 'Andrea', 'Francesco', 'Matteo', 'Lorenzo', 'Davide', 'Stefano', 'Paolo', 'Roberto', 'Simone', 'Giovanni'];
const IT_FIRST_F = ['Giulia', 'Francesca', 'Chiara', 'Sara', 'Martina', 'Valentina', 'Elena', 'Federica', 'Alessia', 'Silvia', 'Laura', 'Paola', 'Anna', 'Elisa'];
const IT_LAST = [
  'Rossi',
  'Russo',
  'Ferrari',
  'Esposito',
  'Bianchi',
  'Romano',
  'Colombo',
  'Ricci',
  'Marino',
  'Greco',
  'Bruno',
  'Gallo',
  'Conti',
  'De Luca',
  'Mancini',
  'Costa',
  'Giordano',
  'Rizzo',
  'Lombardi',
  'Moretti',
  'Barbieri',
  'Fontana',
  'Santoro',
  'Mariani',
  'Caruso',
  'Ferrara',
  'Galli',
  'Martini',
  'Leone',
  'Longo',
];
const IT_COMPANY = (last: string, city: string) => [
  `${last} Impianti S.r.l.`,
  `Elettrotecnica ${last} S.n.c.`,
  `${city} E-Mobility S.r.l.`,
  `Autofficina ${last} & Figli S.a.s.`,
  `Green Drive ${city} S.r.l.`,
  `Hotel ${last} ${city} S.r.l.`,
  `Concessionaria ${last} Auto S.p.A.`,
  `Studio Tecnico ${last}`,
];
const IT_MAIL = ['gmail.com', 'libero.it', 'virgilio.it', 'alice.it', 'outlook.it', 'tiscali.it'];

function slug(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, 'e')
    .replace(/[^a-z0-9]+/g, '')
    .slice(0, 24);
}

export function generateCustomers(seed: number, count = 182): DemoCustomer[] {
  const fNL = new Faker({ locale: [nl, en, base], seed: seed * 7 + 1 });
  const fBE = new Faker({ locale: [nl_BE, nl, en, base], seed: seed * 7 + 2 });
  const fDE = new Faker({ locale: [de, en, base], seed: seed * 7 + 3 });
  const fEN = new Faker({ locale: [en, base], seed: seed * 7 + 4 });
  const fIT = new Faker({ locale: [it, en, base], seed: seed * 7 + 5 });
  const phones = new Set<string>();
  const emails = new Set<string>();

  /** Draws E.164 numbers until one is valid (libphonenumber-js) and unused. */
  const phone = (f: Faker, prefix: string, digits: number): string => {
    for (;;) {
      const p = prefix + f.string.numeric({ length: digits, allowLeadingZeros: true });
      if (!phones.has(p) && isValidPhoneNumber(p)) {
        phones.add(p);
        return p;
      }
    }
  };
  const email = (first: string, last: string, domain: string, f: Faker): string => {
    for (let i = 0; ; i++) {
      const local = f.helpers.arrayElement([
        `${slug(first)}.${slug(last)}`,
        `${slug(first)}${slug(last)}`,
        `${slug(first)[0]}.${slug(last)}`,
        `${slug(first)}${f.number.int({ min: 1, max: 99 })}`,
      ]);
      // Lower case, as the EMAIL identity stores it, so identities stay unique.
      const e = `${local}${i > 2 ? i : ''}@${domain}`.toLowerCase();
      if (!emails.has(e)) {
        emails.add(e);
        return e;
      }
    }
  };
  const tier = (f: Faker, business: boolean): CustomerTier =>
    business
      ? f.helpers.weightedArrayElement([
          { weight: 6, value: 'BUSINESS' as const },
          { weight: 2, value: 'PARTNER' as const },
          { weight: 1, value: 'PREMIUM' as const },
        ])
      : f.helpers.weightedArrayElement([
          { weight: 78, value: 'STANDARD' as const },
          { weight: 22, value: 'PREMIUM' as const },
        ]);

  const out: DemoCustomer[] = [];
  const italian = 30;
  const belgian = 12;
  const german = 10;
  const english = 8;
  const dutch = Math.max(0, count - italian - belgian - german - english);

  const attrs = (c: Omit<DemoCustomer, 'customAttributes'>, postalCode: string, extra: Record<string, unknown> = {}) => ({
    preferredLanguage: c.lang,
    carModel: c.carModel,
    chargerModel: c.chargerModel,
    installationAddress: { street: c.street, postalCode, city: c.city, country: c.country },
    ...extra,
  });

  for (let i = 0; i < dutch; i++) {
    const f = fNL;
    const sex = f.helpers.arrayElement(['female', 'male'] as const);
    const first = f.person.firstName(sex);
    const last = f.person.lastName();
    const [city, pc] = f.helpers.arrayElement(NL_CITIES);
    const business = f.datatype.boolean({ probability: 0.14 });
    const postalCode = `${pc}${f.number.int({ min: 10, max: 99 })} ${f.string.alpha({ length: 2, casing: 'upper', exclude: ['S', 'A', 'D'] })}`;
    const p = phone(f, '+316', 8);
    const cust = {
      name: `${first} ${last}`,
      firstName: first,
      email: f.datatype.boolean({ probability: 0.88 }) || business ? email(first, last, f.helpers.arrayElement(NL_MAIL), f) : null,
      phone: p,
      waId: p.slice(1),
      companyName: business ? f.helpers.arrayElement(NL_COMPANY(last, city)) : null,
      codiceFiscale: null,
      partitaIva: null,
      pec: null,
      sdi: null,
      tier: tier(f, business),
      lang: 'nl' as const,
      country: 'NL' as const,
      business,
      city,
      street: `${f.helpers.arrayElement(NL_STREETS)} ${f.number.int({ min: 1, max: 180 })}`,
      carModel: f.helpers.arrayElement(CARS),
      chargerModel: f.helpers.arrayElement(business ? CHARGERS_BUSINESS : CHARGERS),
    };
    out.push({
      ...cust,
      customAttributes: attrs(cust, postalCode, {
        connection: f.helpers.arrayElement(['1x40A', '3x25A', '3x25A', '3x35A']),
        solarPanels: f.datatype.boolean({ probability: 0.4 }),
      }),
    });
  }

  for (let i = 0; i < belgian; i++) {
    const f = fBE;
    const first = f.person.firstName();
    const last = f.person.lastName();
    const [city, postalCode] = f.helpers.arrayElement(BE_CITIES);
    const p = phone(f, f.helpers.arrayElement(['+32470', '+32475', '+32486', '+32495']), 6);
    const c = {
      name: `${first} ${last}`,
      firstName: first,
      email: email(first, last, f.helpers.arrayElement(['telenet.be', 'gmail.com', 'proximus.be', 'hotmail.com']), f),
      phone: p,
      waId: p.slice(1),
      companyName: null,
      codiceFiscale: null,
      partitaIva: null,
      pec: null,
      sdi: null,
      tier: tier(f, false),
      lang: 'nl' as const,
      country: 'BE' as const,
      business: false,
      city,
      street: `${f.helpers.arrayElement(BE_STREETS)} ${f.number.int({ min: 1, max: 120 })}`,
      carModel: f.helpers.arrayElement(CARS),
      chargerModel: f.helpers.arrayElement(CHARGERS),
    };
    out.push({ ...c, customAttributes: attrs(c, postalCode, { digitalMeterCapacityTariff: true }) });
  }

  for (let i = 0; i < german; i++) {
    const f = fDE;
    const first = f.person.firstName();
    const last = f.person.lastName();
    const [city, pc] = f.helpers.arrayElement(DE_CITIES);
    const p = phone(f, f.helpers.arrayElement(['+49151', '+49160', '+49170', '+49176']), 8);
    const c = {
      name: `${first} ${last}`,
      firstName: first,
      email: email(first, last, f.helpers.arrayElement(['gmx.de', 'web.de', 't-online.de', 'gmail.com']), f),
      phone: p,
      waId: p.slice(1),
      companyName: null,
      codiceFiscale: null,
      partitaIva: null,
      pec: null,
      sdi: null,
      tier: tier(f, false),
      lang: 'en' as const,
      country: 'DE' as const,
      business: false,
      city,
      street: `${f.helpers.arrayElement(DE_STREETS)} ${f.number.int({ min: 1, max: 90 })}`,
      carModel: f.helpers.arrayElement(CARS),
      chargerModel: f.helpers.arrayElement(CHARGERS),
    };
    out.push({ ...c, customAttributes: attrs(c, `${pc}${f.string.numeric(3)}`) });
  }

  for (let i = 0; i < english; i++) {
    const f = fEN;
    const first = f.person.firstName();
    const last = f.person.lastName();
    const [city, pc] = f.helpers.arrayElement(NL_CITIES.slice(0, 8));
    const business = i < 2;
    const p = phone(f, '+316', 8);
    const c = {
      name: `${first} ${last}`,
      firstName: first,
      email: email(first, last, f.helpers.arrayElement(['gmail.com', 'outlook.com', 'icloud.com']), f),
      phone: p,
      waId: p.slice(1),
      companyName: business ? `${last} Consulting B.V.` : null,
      codiceFiscale: null,
      partitaIva: null,
      pec: null,
      sdi: null,
      tier: tier(f, business),
      lang: 'en' as const,
      country: 'NL' as const,
      business,
      city,
      street: `${f.helpers.arrayElement(NL_STREETS)} ${f.number.int({ min: 1, max: 180 })}`,
      carModel: f.helpers.arrayElement(CARS),
      chargerModel: f.helpers.arrayElement(CHARGERS),
    };
    out.push({ ...c, customAttributes: attrs(c, `${pc}${f.number.int({ min: 10, max: 99 })} AB`) });
  }

  for (let i = 0; i < italian; i++) {
    const f = fIT;
    const kind = i < 14 ? 'company' : i < 19 ? 'professional' : 'person';
    const gender = f.helpers.arrayElement(['M', 'F'] as const);
    const first = f.helpers.arrayElement(gender === 'M' ? IT_FIRST_M : IT_FIRST_F);
    const last = f.helpers.arrayElement(IT_LAST);
    const [city, province, postalCode, office] = f.helpers.arrayElement(IT_CITIES);
    const [birthplace, birthProvince] = f.helpers.arrayElement(IT_CITIES);
    const birthDate = { day: f.number.int({ min: 1, max: 28 }), month: f.number.int({ min: 1, max: 12 }), year: f.number.int({ min: 1955, max: 1998 }) };
    const personalCf = computeCodiceFiscale({ firstName: first, lastName: last, gender, birthDate, birthplace, province: birthProvince });
    const piva = kind === 'person' ? null : makePartitaIva(f.number.int({ min: 100_000, max: 3_999_999 }), office);
    const companyName =
      kind === 'company'
        ? f.helpers.arrayElement(IT_COMPANY(last, city))
        : kind === 'professional'
          ? `${first} ${last} – ${f.helpers.arrayElement(['Architetto', 'Geometra', 'Ingegnere', 'Commercialista'])}`
          : null;
    const pecDomain = f.helpers.arrayElement(['pec.it', 'legalmail.it']);
    const p = phone(f, f.helpers.arrayElement(['+39347', '+39333', '+39340', '+39328', '+39366']), 7);
    const business = kind !== 'person';
    const c = {
      name: `${first} ${last}`,
      firstName: first,
      email: kind === 'company' ? email(first, last, `${slug(companyName!)}.it`, f) : email(first, last, f.helpers.arrayElement(IT_MAIL), f),
      phone: p,
      waId: p.slice(1),
      companyName,
      // A company's codice fiscale is its 11-digit partita IVA; a person's is the 16-character code.
      codiceFiscale: kind === 'company' ? piva : personalCf,
      partitaIva: piva,
      pec: business ? `${slug(companyName ?? `${first}${last}`)}@${pecDomain}` : null,
      sdi: business ? f.string.alphanumeric({ length: 7, casing: 'upper' }) : '0000000',
      tier: tier(f, business),
      lang: 'it' as const,
      country: 'IT' as const,
      business,
      city: `${city} (${province})`,
      street: `${f.helpers.arrayElement(IT_STREETS)} ${f.number.int({ min: 1, max: 150 })}`,
      carModel: f.helpers.arrayElement(CARS_IT),
      chargerModel: f.helpers.arrayElement(business ? CHARGERS_BUSINESS : CHARGERS),
    };
    out.push({ ...c, customAttributes: attrs({ ...c, city }, postalCode, { meterPowerKw: f.helpers.arrayElement([3, 4.5, 6, 10]) }) });
  }
  return out;
}
