/** Demo staff: users, their roles and skills, and the teams they belong to. */
import type { UserRole } from '../../generated/prisma/enums.js';
import type { TeamName } from './channels.js';

/** Password of every demo user. */
export const DEMO_PASSWORD = 'chargecars-demo';

export interface DemoUserSpec {
  key: string;
  email: string;
  name: string;
  role: UserRole;
  skills: string[];
  teams: TeamName[];
}

export const DEMO_USERS: DemoUserSpec[] = [
  { key: 'admin', email: 'admin@chargecars.nl', name: 'Admin ChargeCars', role: 'ADMIN', skills: ['nl', 'en'], teams: ['Management'] },
  { key: 'manager', email: 'manager@chargecars.nl', name: 'Martijn Visser', role: 'MANAGER', skills: ['nl', 'en', 'billing'], teams: ['Management'] },
  { key: 'sarah', email: 'sarah@chargecars.nl', name: 'Sarah de Jong', role: 'AGENT', skills: ['nl', 'en', 'whatsapp'], teams: ['Customer Service'] },
  { key: 'alex', email: 'alex@chargecars.nl', name: 'Alex van den Berg', role: 'AGENT', skills: ['nl', 'en', 'technical', 'installation'], teams: ['Technical Support'] },
  { key: 'eva', email: 'eva@chargecars.nl', name: 'Eva Bakker', role: 'TEAM_LEAD', skills: ['nl', 'en', 'billing', 'whatsapp'], teams: ['Customer Service', 'Management'] },
  {
    key: 'marco',
    email: 'marco@chargecars.nl',
    name: 'Marco Rinaldi',
    role: 'TEAM_LEAD',
    skills: ['it', 'en', 'nl', 'technical', 'installation'],
    teams: ['Technical Support', 'Management'],
  },
  { key: 'giulia', email: 'giulia@chargecars.nl', name: 'Giulia Conti', role: 'AGENT', skills: ['it', 'en', 'billing', 'whatsapp'], teams: ['Customer Service', 'Sales'] },
  { key: 'fatima', email: 'fatima@chargecars.nl', name: 'Fatima El Amrani', role: 'AGENT', skills: ['nl', 'en', 'billing', 'whatsapp'], teams: ['Customer Service'] },
  { key: 'daan', email: 'daan@chargecars.nl', name: 'Daan Mulder', role: 'AGENT', skills: ['nl', 'installation', 'technical'], teams: ['Technical Support'] },
  { key: 'luca', email: 'luca@chargecars.nl', name: 'Luca Ferrari', role: 'AGENT', skills: ['it', 'en', 'technical', 'installation'], teams: ['Technical Support'] },
  { key: 'sanne', email: 'sanne@chargecars.nl', name: 'Sanne Vermeulen', role: 'AGENT', skills: ['nl', 'en', 'sales', 'billing'], teams: ['Sales', 'Customer Service'] },
  {
    key: 'thijs',
    email: 'thijs@chargecars.nl',
    name: 'Thijs Janssen',
    role: 'AGENT',
    skills: ['nl', 'en', 'de', 'technical', 'installation', 'whatsapp'],
    teams: ['Technical Support', 'Sales'],
  },
];

export const DEMO_TEAMS: { name: TeamName; description: string }[] = [
  { name: 'Customer Service', description: 'Eerste lijn: WhatsApp, e-mail, SMS en chat. Planning, facturen en algemene vragen.' },
  { name: 'Technical Support', description: 'Storingen, foutcodes, load balancing, firmware en installatievragen.' },
  { name: 'Sales', description: 'Offertes, zakelijke klanten, partners (Laderthuis, Meterkastthuis) en subsidievragen.' },
  { name: 'Management', description: 'Escalaties, klachten en SLA-bewaking.' },
];

/** The logins the demo prints at start. */
export const DEMO_LOGINS: ReadonlyArray<{ email: string; role: UserRole; name: string; password: string }> = DEMO_USERS.filter((u) =>
  ['admin', 'manager', 'sarah', 'alex'].includes(u.key),
).map((u) => ({ email: u.email, role: u.role, name: u.name, password: DEMO_PASSWORD }));
