/**
 * Demo reply templates (Handlebars) in Dutch, English and Italian. One template
 * family shares its name across locales; `variables` is derived from the text.
 * Every variable is one of templateVariables (checked by api/test/templates):
 * values the hub cannot know (an appointment date, an amount) are `input.<key>`,
 * which the agent fills in; optional mentions sit in {{#if}} blocks.
 */
import type { BusinessEntity, ChannelType, TemplateCategory } from '../../generated/prisma/enums.js';
import { variablesOf } from '../../modules/template/template.variables.js';

export interface DemoTemplateSpec {
  name: string;
  locale: 'nl' | 'en' | 'it';
  category: TemplateCategory;
  channelType: ChannelType | null;
  businessEntity: BusinessEntity;
  subjectTemplate?: string;
  bodyTemplate: string;
  htmlTemplate?: string;
  usageCount: number;
  /** Typed after "/" in the composer, e.g. "fattura". */
  shortcut: string;
}

type Family = Omit<DemoTemplateSpec, 'locale' | 'subjectTemplate' | 'bodyTemplate' | 'htmlTemplate' | 'usageCount' | 'shortcut'> & {
  texts: Partial<Record<DemoTemplateSpec['locale'], { subject?: string; body: string; html?: string; usage: number; shortcut: string }>>;
};

/** Turns a plain-text body into a minimal e-mail HTML body (paragraphs, line breaks). */
function emailHtml(body: string): string {
  const paragraphs = body
    .split(/\n{2,}/)
    .map((p) => `<p>${p.replace(/\n/g, '<br>')}</p>`)
    .join('\n');
  return `<div style="font-family:Arial,sans-serif;font-size:14px;color:#1f2933">\n${paragraphs}\n<p style="color:#6b7280;font-size:12px">{{organization.name}} · +31 20 215 2900 · klantenservice@chargecars.nl</p>\n</div>`;
}

const FAMILIES: Family[] = [
  {
    name: 'First response (out of hours)',
    category: 'AUTO_RESPONSE',
    channelType: null,
    businessEntity: 'ALL',
    texts: {
      nl: {
        usage: 412,
        shortcut: 'welkom',
        body: 'Hoi {{customer.name}}, bedankt voor je bericht aan {{organization.name}}! We zijn bereikbaar op werkdagen van 08:30 tot 17:30 en reageren zo snel mogelijk, uiterlijk {{sla.dueAt}}. Heb je een ordernummer? Stuur het gerust mee, dan kunnen we je sneller helpen.',
      },
      en: {
        usage: 57,
        shortcut: 'welcome',
        body: 'Hi {{customer.name}}, thanks for contacting {{organization.name}}! Our team is available on weekdays from 08:30 to 17:30 (CET) and will get back to you by {{sla.dueAt}} at the latest. If you have an order number, please include it so we can help you faster.',
      },
      it: {
        usage: 38,
        shortcut: 'benvenuto',
        body: "Ciao {{customer.name}}, grazie per aver contattato {{organization.name}}! Il nostro team è disponibile dal lunedì al venerdì dalle 08:30 alle 17:30 e ti risponderà entro {{sla.dueAt}}. Se hai un numero d'ordine, indicalo pure: ci aiuta a risponderti più velocemente.",
      },
    },
  },
  {
    name: 'Installation appointment confirmation',
    category: 'INSTALLATION_SCHEDULING',
    channelType: 'WHATSAPP_BUSINESS',
    businessEntity: 'CHARGECARS',
    texts: {
      nl: {
        usage: 268,
        shortcut: 'afspraak',
        body: 'Hoi {{customer.name}}, goed nieuws: de installatie van je laadpaal{{#if thread.orderReference}} ({{thread.orderReference}}){{/if}} staat gepland op {{input.appointmentDate}} tussen {{input.timeSlot}}. Onze monteur belt een half uur van tevoren. Zorg dat de meterkast vrij toegankelijk is. Groet, {{agent.name}} – {{organization.name}}',
      },
      en: {
        usage: 31,
        shortcut: 'appointment',
        body: 'Hi {{customer.name}}, good news: the installation of your charger{{#if thread.orderReference}} ({{thread.orderReference}}){{/if}} is scheduled for {{input.appointmentDate}} between {{input.timeSlot}}. Our installer will call you 30 minutes before arrival. Please make sure the meter cupboard is accessible. Best, {{agent.name}} – {{organization.name}}',
      },
      it: {
        usage: 44,
        shortcut: 'appuntamento',
        body: "Ciao {{customer.name}}, ottime notizie: l'installazione della tua wallbox{{#if thread.orderReference}} ({{thread.orderReference}}){{/if}} è fissata per il {{input.appointmentDate}} nella fascia {{input.timeSlot}}. Il tecnico ti chiamerà 30 minuti prima. Ti chiediamo di lasciare libero l'accesso al quadro elettrico. A presto, {{agent.name}} – {{organization.name}}",
      },
    },
  },
  {
    name: 'Installation appointment confirmation (e-mail)',
    category: 'INSTALLATION_SCHEDULING',
    channelType: 'EMAIL_OUTLOOK',
    businessEntity: 'CHARGECARS',
    texts: {
      nl: {
        usage: 198,
        shortcut: 'afspraak-mail',
        subject: 'Bevestiging installatieafspraak {{thread.orderReference}}',
        body: 'Beste {{customer.name}},\n\nHierbij bevestigen we de installatie van je laadpaal op {{input.appointmentDate}} tussen {{input.timeSlot}}.\n\nWat kun je verwachten?\n- De monteur belt ongeveer 30 minuten voor aankomst.\n- De installatie duurt gemiddeld 3 tot 4 uur; de stroom is kort uitgeschakeld.\n- Na afloop leggen we de laadpaal en de app samen met je aan.\n\nKomt de datum toch niet uit? Antwoord dan op deze e-mail, dan plannen we een nieuw moment.\n\nMet vriendelijke groet,\n{{agent.name}}\n{{organization.name}}',
      },
      en: {
        usage: 22,
        shortcut: 'appointment-mail',
        subject: 'Your installation appointment {{thread.orderReference}}',
        body: 'Dear {{customer.name}},\n\nWe hereby confirm the installation of your charging station on {{input.appointmentDate}} between {{input.timeSlot}}.\n\nWhat to expect:\n- The installer calls about 30 minutes before arrival.\n- Installation takes 3 to 4 hours on average; the power will be off for a short while.\n- Afterwards we set up the charger and the app together with you.\n\nIf the date does not suit you, simply reply to this e-mail and we will find a new slot.\n\nKind regards,\n{{agent.name}}\n{{organization.name}}',
      },
      it: {
        usage: 29,
        shortcut: 'appuntamento-mail',
        subject: 'Conferma appuntamento di installazione {{thread.orderReference}}',
        body: "Gentile {{customer.name}},\n\ncon la presente confermiamo l'installazione della sua stazione di ricarica il {{input.appointmentDate}} nella fascia {{input.timeSlot}}.\n\nCosa aspettarsi:\n- Il tecnico la chiamerà circa 30 minuti prima dell'arrivo.\n- L'installazione dura in media 3-4 ore; la corrente verrà staccata per poco tempo.\n- Al termine configureremo insieme la wallbox e l'app.\n\nSe la data non le è comoda, risponda a questa e-mail e fisseremo un nuovo appuntamento.\n\nCordiali saluti,\n{{agent.name}}\n{{organization.name}}",
      },
    },
  },
  {
    name: 'Charger shows red light: first checks',
    category: 'TECHNICAL_SUPPORT',
    channelType: null,
    businessEntity: 'ZAPTECSHOP',
    texts: {
      nl: {
        usage: 153,
        shortcut: 'rood',
        body: 'Hoi {{customer.name}}, vervelend dat je {{customer.attributes.chargerModel}} rood knippert. Wil je het volgende proberen?\n1. Zet de groep van de laadpaal in de meterkast 30 seconden uit en weer aan.\n2. Controleer in de app of de laadpaal online is.\n3. Stuur ons een foto van de lampjes en het ordernummer{{#if thread.orderReference}} ({{thread.orderReference}}){{/if}}.\nDan kijken we direct met je mee. Groet, {{agent.name}}',
      },
      en: {
        usage: 27,
        shortcut: 'red',
        body: "Hi {{customer.name}}, sorry to hear your {{customer.attributes.chargerModel}} is blinking red. Could you try the following?\n1. Switch the charger's circuit breaker off for 30 seconds and back on.\n2. Check in the app whether the charger is online.\n3. Send us a photo of the status lights and your order number{{#if thread.orderReference}} ({{thread.orderReference}}){{/if}}.\nWe will look into it right away. Best, {{agent.name}}",
      },
      it: {
        usage: 19,
        shortcut: 'rosso',
        body: "Ciao {{customer.name}}, ci dispiace che la tua {{customer.attributes.chargerModel}} lampeggi in rosso. Puoi provare così?\n1. Spegni l'interruttore della wallbox nel quadro per 30 secondi e riaccendilo.\n2. Verifica nell'app che la wallbox risulti online.\n3. Inviaci una foto delle spie e il numero d'ordine{{#if thread.orderReference}} ({{thread.orderReference}}){{/if}}.\nCi pensiamo subito noi. Un saluto, {{agent.name}}",
      },
    },
  },
  {
    name: 'Invoice question',
    category: 'CUSTOMER_SERVICE',
    channelType: 'EMAIL_OUTLOOK',
    businessEntity: 'CHARGECARS',
    texts: {
      nl: {
        usage: 121,
        shortcut: 'factuur',
        subject: 'Je factuur voor {{thread.orderReference}}',
        body: 'Beste {{customer.name}},\n\nBedankt voor je vraag over de factuur van order {{thread.orderReference}}. In de bijlage vind je een gecorrigeerde factuur. Het openstaande bedrag is {{input.invoiceAmount}}; betalen kan tot {{input.invoiceDueDate}} via de betaallink in de factuur.\n\nHeb je nog vragen? Laat het ons gerust weten.\n\nMet vriendelijke groet,\n{{agent.name}}\n{{organization.name}}',
      },
      en: {
        usage: 14,
        shortcut: 'invoice',
        subject: 'Your invoice for {{thread.orderReference}}',
        body: 'Dear {{customer.name}},\n\nThank you for your question about the invoice for order {{thread.orderReference}}. Please find the corrected invoice attached. The outstanding amount is {{input.invoiceAmount}}, payable until {{input.invoiceDueDate}} via the payment link on the invoice.\n\nKind regards,\n{{agent.name}}\n{{organization.name}}',
      },
      it: {
        usage: 33,
        shortcut: 'fattura',
        subject: 'Fattura ordine {{thread.orderReference}}',
        body: "Gentile {{customer.name}},\n\nla ringraziamo per la sua richiesta sulla fattura dell'ordine {{thread.orderReference}}. La fattura elettronica è stata trasmessa tramite SdI{{#if customer.sdi}} al codice destinatario {{customer.sdi}}{{/if}}{{#if customer.pec}} (PEC: {{customer.pec}}){{/if}}. L'importo da saldare è {{input.invoiceAmount}} entro il {{input.invoiceDueDate}}.\n\nCordiali saluti,\n{{agent.name}}\n{{organization.name}}",
      },
    },
  },
  {
    name: 'Complaint acknowledgement',
    category: 'COMPLAINT_RESPONSE',
    channelType: null,
    businessEntity: 'ALL',
    texts: {
      nl: {
        usage: 64,
        shortcut: 'klacht',
        body: 'Beste {{customer.name}}, het spijt ons oprecht dat het niet is gegaan zoals je van ons mag verwachten. Ik heb je klacht over {{#if thread.orderReference}}order {{thread.orderReference}}{{else}}"{{thread.subject}}"{{/if}} doorgezet naar onze teamleider en je hoort uiterlijk binnen twee werkdagen van ons hoe we dit oplossen. Met vriendelijke groet, {{agent.name}} – {{organization.name}}',
      },
      en: {
        usage: 9,
        shortcut: 'complaint',
        body: 'Dear {{customer.name}}, we sincerely apologise that things did not go as you may expect from us. I have forwarded your complaint about {{#if thread.orderReference}}order {{thread.orderReference}}{{else}}"{{thread.subject}}"{{/if}} to our team lead, and you will hear from us within two working days how we will resolve this. Kind regards, {{agent.name}} – {{organization.name}}',
      },
      it: {
        usage: 11,
        shortcut: 'reclamo',
        body: 'Gentile {{customer.name}}, ci scusiamo sinceramente per il disagio. Ho inoltrato il suo reclamo relativo {{#if thread.orderReference}}all\'ordine {{thread.orderReference}}{{else}}a "{{thread.subject}}"{{/if}} al nostro responsabile e riceverà una risposta entro due giorni lavorativi con la soluzione proposta. Cordiali saluti, {{agent.name}} – {{organization.name}}',
      },
    },
  },
  {
    name: 'Meter cupboard upgrade quote',
    category: 'SALES_INQUIRY',
    channelType: 'EMAIL_OUTLOOK',
    businessEntity: 'METERKASTTHUIS',
    texts: {
      nl: {
        usage: 87,
        shortcut: 'offerte',
        subject: 'Offerte meterkastuitbreiding {{thread.orderReference}}',
        body: "Beste {{customer.name}},\n\nOp basis van de foto's van je meterkast adviseren we een uitbreiding met een aparte aardlekautomaat en, omdat je een 1-fase aansluiting hebt, eventueel een verzwaring naar 3x25A via je netbeheerder. In de bijlage vind je de offerte van {{input.quoteAmount}} incl. btw, geldig tot {{input.quoteValidUntil}}.\n\nWil je akkoord geven? Antwoord dan op deze e-mail, dan plannen we de installatie samen met je laadpaal in.\n\nMet vriendelijke groet,\n{{agent.name}}\nMeterkastthuis, onderdeel van {{organization.name}}",
      },
      en: {
        usage: 6,
        shortcut: 'quote',
        subject: 'Quote for meter cupboard upgrade {{thread.orderReference}}',
        body: 'Dear {{customer.name}},\n\nBased on the photos of your meter cupboard we recommend adding a dedicated RCBO and, since you have a single-phase connection, possibly upgrading to 3x25A through your grid operator. Attached is our quote of {{input.quoteAmount}} incl. VAT, valid until {{input.quoteValidUntil}}.\n\nReply to this e-mail to accept and we will schedule the work together with your charger installation.\n\nKind regards,\n{{agent.name}}\nMeterkastthuis, part of {{organization.name}}',
      },
    },
  },
  {
    name: 'Follow-up after installation',
    category: 'FOLLOW_UP',
    channelType: 'WHATSAPP_BUSINESS',
    businessEntity: 'LADERTHUIS',
    texts: {
      nl: {
        usage: 176,
        shortcut: 'nazorg',
        body: 'Hoi {{customer.name}}, je laadpaal is nu een week in gebruik. Gaat alles naar wens? Laadt je {{customer.attributes.carModel}} zoals verwacht? Beantwoord dit bericht met een cijfer van 1 tot 10, of laat het weten als we ergens mee kunnen helpen. Groet, {{agent.name}} van {{organization.name}}',
      },
      en: {
        usage: 12,
        shortcut: 'follow-up',
        body: 'Hi {{customer.name}}, your charger has been in use for a week now. Is everything working as expected with your {{customer.attributes.carModel}}? Reply with a score from 1 to 10, or let us know if we can help with anything. Best, {{agent.name}} from {{organization.name}}',
      },
      it: {
        usage: 15,
        shortcut: 'seguito',
        body: 'Ciao {{customer.name}}, la tua wallbox è in funzione da una settimana. Va tutto bene con la ricarica della tua {{customer.attributes.carModel}}? Rispondi con un voto da 1 a 10 oppure scrivici se possiamo aiutarti. Un saluto, {{agent.name}} di {{organization.name}}',
      },
    },
  },
  {
    name: 'Order status update',
    category: 'CUSTOMER_SERVICE',
    channelType: 'SMS',
    businessEntity: 'RATIOSHOP',
    texts: {
      nl: {
        usage: 95,
        shortcut: 'bestelling',
        body: '{{organization.name}}: je bestelling {{thread.orderReference}} is verzonden en wordt {{input.deliveryDate}} bezorgd. Track & trace: {{input.trackingUrl}}',
      },
      en: {
        usage: 8,
        shortcut: 'order',
        body: '{{organization.name}}: your order {{thread.orderReference}} has shipped and will be delivered on {{input.deliveryDate}}. Tracking: {{input.trackingUrl}}',
      },
      it: {
        usage: 10,
        shortcut: 'ordine',
        body: '{{organization.name}}: il tuo ordine {{thread.orderReference}} è stato spedito e sarà consegnato il {{input.deliveryDate}}. Tracking: {{input.trackingUrl}}',
      },
    },
  },
  {
    name: 'Escalation to team lead',
    category: 'INTERNAL_NOTIFICATION',
    channelType: null,
    businessEntity: 'ALL',
    texts: {
      nl: {
        usage: 41,
        shortcut: 'escalatie',
        body: '⚠️ Escalatie: gesprek "{{thread.subject}}" met {{customer.name}}{{#if thread.orderReference}} ({{thread.orderReference}}){{/if}} moet uiterlijk {{sla.dueAt}} beantwoord zijn (prioriteit {{thread.priority}}). Toegewezen aan {{agent.name}}. Graag vandaag oppakken.',
      },
      en: {
        usage: 7,
        shortcut: 'escalation',
        body: '⚠️ Escalation: conversation "{{thread.subject}}" with {{customer.name}}{{#if thread.orderReference}} ({{thread.orderReference}}){{/if}} must be answered by {{sla.dueAt}} (priority {{thread.priority}}). Assigned to {{agent.name}}. Please pick this up today.',
      },
    },
  },
];

/** Variable paths used in the given Handlebars texts, sorted and unique: data paths only, from the Handlebars syntax tree (never a helper such as "if"). */
export function templateVariables(...texts: (string | undefined)[]): string[] {
  return variablesOf(...texts);
}

export const DEMO_TEMPLATES: DemoTemplateSpec[] = FAMILIES.flatMap((f) =>
  (Object.entries(f.texts) as [DemoTemplateSpec['locale'], NonNullable<Family['texts']['nl']>][]).map(([locale, t]) => ({
    name: f.name,
    locale,
    category: f.category,
    channelType: f.channelType,
    businessEntity: f.businessEntity,
    subjectTemplate: t.subject,
    bodyTemplate: t.body,
    htmlTemplate: f.channelType === 'EMAIL_OUTLOOK' ? emailHtml(t.body) : undefined,
    usageCount: t.usage,
    shortcut: t.shortcut,
  })),
);
