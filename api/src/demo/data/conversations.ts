/**
 * Conversation scripts for the demo threads: EV-charger customer service in
 * Dutch, English and Italian. A script is a list of turns; the seed cuts it short
 * for threads that are still open, wraps it for the channel (e-mail greeting and
 * signature, call notes) and fills the placeholders from the thread's context.
 */
import type { ThreadType, TaskType } from '../../generated/prisma/enums.js';
import type { TeamName } from './channels.js';

export type Lang = 'nl' | 'en' | 'it';

/** Values a script can use; filled per thread. */
export interface ScriptContext {
  /** Customer's first name. */
  first: string;
  /** Customer's full name. */
  name: string;
  company: string;
  /** Assigned (or replying) agent's first name. */
  agent: string;
  /** Team lead's first name. */
  lead: string;
  order: string;
  charger: string;
  car: string;
  city: string;
  street: string;
  /** A day in the thread's near future, formatted in the thread's language. */
  date: string;
  /** An alternative day. */
  date2: string;
  slot: string;
  amount: string;
  /** Installer's first name. */
  installer: string;
  errorCode: string;
  chargers: number;
}

type Text = (c: ScriptContext) => string;

/** c: customer, a: agent (outgoing), n: internal note by an agent, s: system notification. */
export interface Turn {
  who: 'c' | 'a' | 'n' | 's';
  text: Text;
  attach?: 'photo' | 'invoice' | 'quote' | 'document' | 'video';
}

export interface Scenario {
  id: string;
  lang: Lang;
  type: ThreadType;
  team: TeamName;
  subject: Text;
  tags: string[];
  /** Channels this script fits; all customer-facing channels when absent. */
  channels?: ('whatsapp' | 'email' | 'sms' | 'phone' | 'chatwoot' | 'api' | 'internal')[];
  /** Priority bias: complaints and outages start higher. */
  urgency?: 'low' | 'normal' | 'high';
  /** Relative frequency. */
  weight: number;
  business?: boolean;
  /** Range for `amount` in euros; a price per charge point when the script quotes several. */
  amount?: [number, number];
  perChargePoint?: boolean;
  turns: Turn[];
  /** A task an agent would create from this thread. */
  task?: { type: TaskType; title: Text; description?: Text };
}

const c = (text: Text, attach?: Turn['attach']): Turn => ({ who: 'c', text, attach });
const a = (text: Text, attach?: Turn['attach']): Turn => ({ who: 'a', text, attach });
const n = (text: Text): Turn => ({ who: 'n', text });

// ------------------------------------------------------------------ Dutch

const NL: Scenario[] = [
  {
    id: 'nl-install-date',
    lang: 'nl',
    type: 'INSTALLATION_COORDINATION',
    team: 'Customer Service',
    weight: 10,
    subject: (x) => `Installatiedatum laadpaal ${x.order}`,
    tags: ['installatie', 'planning'],
    turns: [
      c(
        (x) =>
          `Goedemiddag, ik heb twee weken geleden een ${x.charger} besteld (${x.order}). Wanneer kan de installatie plaatsvinden? Ik ben meestal thuis op woensdag en vrijdag.`,
      ),
      a(
        (x) =>
          `Hoi ${x.first}, bedankt voor je bericht! Ik kijk even in de planning van onze monteurs voor ${x.city}. Heb je de foto's van de meterkast al ingestuurd via de link in de bevestigingsmail?`,
      ),
      c(() => 'Nee, die mail kan ik niet vinden. Ik stuur ze hierbij.', 'photo'),
      n((x) => `Meterkast ziet er goed uit: 3-fase, ruimte voor extra groep. Geen verzwaring nodig. ${x.installer} heeft ${x.date} nog ruimte in de regio.`),
      a((x) => `Dank je, de foto's zijn helemaal duidelijk. Er is geen uitbreiding van de meterkast nodig. Ik kan je inplannen op ${x.date} tussen ${x.slot}. Past dat?`),
      c(() => 'Ja, dat is prima. Moet ik nog iets voorbereiden?'),
      a(
        (x) =>
          `Top! Zorg dat de meterkast en de plek waar de laadpaal komt vrij toegankelijk zijn. ${x.installer} belt je een half uur van tevoren. Je ontvangt ook nog een bevestiging per e-mail.`,
      ),
      c(() => 'Super, bedankt voor de snelle hulp!'),
    ],
    task: { type: 'SCHEDULE_VISIT', title: (x) => `Installatie ${x.charger} inplannen – ${x.city}` },
  },
  {
    id: 'nl-red-blink',
    lang: 'nl',
    type: 'TECHNICAL_ISSUE',
    team: 'Technical Support',
    weight: 10,
    urgency: 'high',
    subject: (x) => `${x.charger} knippert rood, auto laadt niet`,
    tags: ['storing', 'foutcode'],
    turns: [
      c((x) => `Hallo, sinds vanochtend knippert mijn ${x.charger} rood en laadt mijn ${x.car} niet meer. Ik moet morgen vroeg naar een klant, kunnen jullie snel helpen?`),
      a((x) => `Hoi ${x.first}, vervelend! Kun je de groep van de laadpaal in de meterkast 30 seconden uitzetten en weer aanzetten? En staat er in de app een foutmelding?`),
      c((x) => `Gedaan, hij knippert nog steeds. In de app staat ${x.errorCode}. Foto van het display hierbij.`, 'photo'),
      n((x) => `${x.errorCode} wijst op een aardlekfout of een probleem met de PE-aansluiting. Graag remote uitlezen voordat we een monteur sturen.`),
      a(
        () =>
          'Dank je. Ik heb de laadpaal op afstand uitgelezen: hij meldt een aardlekfout. Zit de laadkabel goed in de auto, en heb je recent een ander verlengsnoer of een stekker in hetzelfde circuit gebruikt?',
      ),
      c(() => 'Nee, er is niets veranderd. Wel heeft het gisteren heel hard geregend en de paal hangt buiten.'),
      a(
        (x) =>
          `Dat kan de oorzaak zijn: vocht in de aansluitkast. Ik plan een monteur in voor ${x.date} tussen ${x.slot}. Tot die tijd kun je de paal beter uit laten staan. Dit valt onder de garantie, je hebt er geen kosten aan.`,
      ),
      c(() => 'Oké, dank je. Dan laad ik morgen wel bij de snellader.'),
      a((x) => `Update: ${x.installer} heeft de aansluitkast gedroogd en de wartel opnieuw afgedicht. De laadpaal werkt weer normaal. Laat je het weten als de fout terugkomt?`),
      c(() => 'Hij laadt weer, top service!'),
    ],
    task: { type: 'SCHEDULE_VISIT', title: (x) => `Monteur langs voor storing ${x.errorCode} – ${x.city}` },
  },
  {
    id: 'nl-invoice',
    amount: [1195, 2195],
    lang: 'nl',
    type: 'CUSTOMER_SUPPORT',
    team: 'Customer Service',
    weight: 9,
    subject: (x) => `Vraag over factuur ${x.order}`,
    tags: ['factuur', 'betaling'],
    turns: [
      c(
        (x) =>
          `Beste ChargeCars, op de factuur van ${x.order} staat een bedrag van ${x.amount}, maar in de offerte stond dat de 10 meter extra kabel inbegrepen was. Kunnen jullie dit nakijken?`,
        'invoice',
      ),
      a((x) => `Hoi ${x.first}, bedankt voor het doorsturen. Ik leg de factuur naast de offerte en kom er vandaag bij je op terug.`),
      n(() => 'Offerte bevat inderdaad 10m extra kabel (actie Q3). Factuur is handmatig aangemaakt zonder de actiecode. Creditnota aangevraagd bij finance.'),
      a(
        () => 'Je hebt gelijk: de extra kabel was inbegrepen. Je ontvangt binnen twee werkdagen een creditnota en een gecorrigeerde factuur. Onze excuses voor het ongemak!',
        'invoice',
      ),
      c(() => 'Dank je wel. Ik had de factuur al betaald, krijg ik het verschil teruggestort?'),
      a(() => 'Ja, het verschil storten we binnen vijf werkdagen terug op de rekening waarmee je hebt betaald.'),
      c(() => 'Duidelijk, bedankt!'),
    ],
    task: { type: 'FOLLOW_UP', title: (x) => `Creditnota ${x.order} controleren bij finance` },
  },
  {
    id: 'nl-load-balancing',
    lang: 'nl',
    type: 'TECHNICAL_ISSUE',
    team: 'Technical Support',
    weight: 8,
    subject: () => 'Hoofdschakelaar slaat af tijdens het laden',
    tags: ['load-balancing', 'meterkast'],
    turns: [
      c(
        (x) => `Hoi, als ik mijn ${x.car} laad en tegelijk de inductieplaat en de wasmachine aanzet, slaat de hoofdschakelaar af. Ik dacht dat de ${x.charger} load balancing had?`,
      ),
      a(() => 'Hoi! Dat klopt, maar dan moet de P1-meter of een stroommeter wel gekoppeld zijn. Kun je in de app onder "Installatie" kijken of er een meter verbonden is?'),
      c(() => 'Daar staat "geen meter gevonden".', 'photo'),
      n(() => 'P1-dongle waarschijnlijk niet gekoppeld bij oplevering. Check installatierapport; evt. dongle nasturen.'),
      a(
        (x) =>
          `Dank je. Bij de installatie is de P1-dongle niet gekoppeld. Ik stuur je vandaag een nieuwe dongle op; ${x.installer} kan hem ook op ${x.date} komen koppelen als je dat prettiger vindt.`,
      ),
      c(() => 'Stuur maar op, dat lukt me zelf wel. Hoe koppel ik hem?'),
      a(
        () =>
          'Steek de dongle in de P1-poort van je slimme meter, open de app, kies "Meter toevoegen" en volg de stappen. Daarna stel je de maximale aansluitwaarde in op 3x25A. De laadpaal verlaagt dan automatisch het laadvermogen als het huis veel stroom gebruikt.',
      ),
      c(() => 'Gelukt! Alles draait tegelijk en niets slaat meer af.'),
    ],
    task: { type: 'SEND_EMAIL', title: () => 'P1-dongle versturen en koppelinstructie mailen' },
  },
  {
    id: 'nl-meterkast',
    amount: [1150, 2400],
    lang: 'nl',
    type: 'SALES_INQUIRY',
    team: 'Sales',
    weight: 6,
    subject: () => 'Is mijn meterkast geschikt voor een laadpaal?',
    tags: ['meterkast', 'offerte', 'meterkastthuis'],
    turns: [
      c(() => 'Goedendag, ik wil een laadpaal laten plaatsen maar ons huis is uit 1974 en heeft nog een oude meterkast met 1-fase. Kan dat wel?'),
      a((x) => `Hoi ${x.first}, dat kan zeker, maar meestal is er dan een uitbreiding nodig. Wil je een foto sturen van de open meterkast en van de kWh-meter?`),
      c(() => "Hierbij de foto's.", 'photo'),
      n(() => '1-fase 40A, 4 groepen, geen ruimte. Advies: nieuwe groepenkast + aardlekautomaat, 3-fase verzwaring optioneel via netbeheerder (Liander/Stedin).'),
      a(
        (x) =>
          `Dank je! Je meterkast heeft geen ruimte meer voor een extra groep. Via Meterkastthuis kunnen we hem vervangen en meteen geschikt maken voor de laadpaal. De offerte is ${x.amount} incl. btw. Een 3-fase aansluiting kun je eventueel bij je netbeheerder aanvragen; dat is niet verplicht voor een ${x.charger}.`,
        'quote',
      ),
      c(() => 'Hoe lang duurt het voordat dit gedaan kan worden?'),
      a((x) => `We kunnen de meterkast en de laadpaal op één dag installeren. De eerste mogelijkheid is ${x.date}.`),
      c(() => 'Prima, ik ga akkoord met de offerte.'),
      a(() => 'Top, dank je wel! Je ontvangt de orderbevestiging en de planning per e-mail.'),
    ],
    task: { type: 'APPROVAL_REQUEST', title: (x) => `Offerte meterkastuitbreiding ${x.order} laten goedkeuren` },
  },
  {
    id: 'nl-subsidie',
    amount: [1095, 1795],
    lang: 'nl',
    type: 'SALES_INQUIRY',
    team: 'Sales',
    weight: 5,
    subject: () => 'Subsidie of fiscaal voordeel voor een laadpaal?',
    tags: ['subsidie', 'zakelijk'],
    business: true,
    turns: [
      c(() => "Hallo, is er subsidie voor een laadpaal? Ik ben zzp'er en rijd een elektrische auto van de zaak."),
      a(
        (x) =>
          `Hoi ${x.first}! Voor particulieren is er op dit moment geen landelijke subsidie, maar als ondernemer kun je de laadpaal vaak meenemen in de investeringsaftrek (KIA) en soms de MIA. Je boekhouder kan dat voor je bevestigen.`,
      ),
      c(() => 'Interessant. Kunnen jullie de factuur op naam van mijn bedrijf zetten met btw apart vermeld?'),
      a(() => 'Zeker. Geef je bedrijfsnaam, KvK-nummer en btw-nummer door, dan verwerken we dat in de offerte en de factuur.'),
      c((x) => `${x.company}, KvK 81234567, btw NL004512345B01.`),
      a((x) => `Dank je. De offerte voor de ${x.charger} met installatie staat klaar: ${x.amount} excl. btw. Je ontvangt hem zo per e-mail.`, 'quote'),
      c(() => 'Ontvangen, ik kom er deze week op terug.'),
    ],
  },
  {
    id: 'nl-complaint-no-show',
    lang: 'nl',
    type: 'COMPLAINT',
    team: 'Management',
    weight: 5,
    urgency: 'high',
    subject: () => 'Klacht: monteur niet komen opdagen',
    tags: ['klacht', 'installatie', 'escalatie'],
    turns: [
      c((x) => `Ik heb vandaag een dag vrij genomen voor de installatie (${x.order}) en er is niemand gekomen. Niemand heeft gebeld. Dit is echt onacceptabel.`),
      a((x) => `Beste ${x.first}, dat is ontzettend vervelend en begrijpelijk dat je boos bent. Ik zoek direct uit wat er is misgegaan.`),
      n((x) => `@${x.lead} monteur is ziek uitgevallen, planning heeft klant niet geïnformeerd. Graag compensatie afstemmen.`),
      { who: 's', text: () => 'Gesprek geëscaleerd naar teamleider (prioriteit verhoogd naar HOOG).' },
      a(
        (x) =>
          `Ik heb het nagevraagd: de monteur is vanochtend ziek uitgevallen en we hebben je helaas niet op tijd gebeld. Mijn excuses. We kunnen ${x.date} tussen ${x.slot} komen en als compensatie crediteren we de voorrijkosten.`,
      ),
      c(() => 'Oké. Zorg dan wel dat er nu echt iemand komt.'),
      a((x) => `Begrepen. ${x.installer} komt persoonlijk en belt je de avond van tevoren ter bevestiging.`),
      c(() => 'De laadpaal is geplaatst en werkt. Jullie monteur was heel netjes, dat wil ik wel zeggen.'),
      a(() => 'Fijn om te horen, en nogmaals excuses voor de eerste keer. De creditnota voor de voorrijkosten is onderweg.'),
    ],
    task: { type: 'CALLBACK', title: (x) => `Klant terugbellen over gemiste afspraak ${x.order}` },
  },
  {
    id: 'nl-easee-offline',
    lang: 'nl',
    type: 'TECHNICAL_ISSUE',
    team: 'Technical Support',
    weight: 6,
    subject: () => 'Laadpaal offline na nieuwe router',
    tags: ['wifi', 'app', 'offline'],
    turns: [
      c((x) => `We hebben een nieuwe router van Ziggo gekregen en sindsdien staat de ${x.charger} offline in de app. Laden kan nog wel, maar ik zie mijn verbruik niet meer.`),
      a(
        () =>
          'Hoi! Dat komt doordat de laadpaal nog met het oude wifi-netwerk probeert te verbinden. In de app kun je onder Instellingen > Netwerk het nieuwe netwerk kiezen. Let op: de laadpaal werkt alleen op 2,4 GHz.',
      ),
      c(() => 'Ik zie mijn netwerk niet in de lijst.'),
      a(() => 'Waarschijnlijk combineert je router 2,4 en 5 GHz onder één naam. Zet in de Ziggo-app de optie "Gescheiden netwerken" aan; dan verschijnt het 2,4 GHz-netwerk wel.'),
      c(() => 'Yes, hij is weer online. Dank!'),
      a(() => 'Graag gedaan! Als de laadpaal een 4G-simkaart heeft kun je hem ook via mobiel netwerk laten verbinden; laat het weten als je dat wilt.'),
    ],
  },
  {
    id: 'nl-business-quote',
    amount: [1450, 1890],
    perChargePoint: true,
    lang: 'nl',
    type: 'SALES_INQUIRY',
    team: 'Sales',
    weight: 5,
    business: true,
    subject: (x) => `Offerte ${x.chargers} laadpunten bedrijfspand ${x.city}`,
    tags: ['zakelijk', 'offerte', 'laadplein'],
    turns: [
      c(
        (x) =>
          `Goedemorgen, voor ons kantoor in ${x.city} zoeken we ${x.chargers} laadpunten met een verrekensysteem voor medewerkers die thuis en op de zaak laden. Kunnen jullie een offerte maken?`,
      ),
      a(
        (x) =>
          `Goedemorgen ${x.first}, leuk dat jullie aan ons denken! Om een goede offerte te maken wil ik graag weten: hoe groot is de aansluiting van het pand, en hebben jullie parkeerplaatsen op eigen terrein?`,
      ),
      c(() => 'We hebben een 3x80A aansluiting en 24 parkeerplaatsen op eigen terrein.'),
      n(() => 'Advies: Zaptec Pro met dynamische load balancing op 3x80A, verrekening via laadpas. Schouw inplannen.'),
      a(
        (x) =>
          `Dank je. Met 3x80A kunnen we ${x.chargers} Zaptec Pro-laadpunten met dynamische load balancing plaatsen. Ik plan graag een schouw in op ${x.date}; daarna ontvangen jullie een offerte op maat.`,
      ),
      c(() => 'Prima, schouw is akkoord. Kunnen jullie ook het beheer en de verrekening van de laadpassen verzorgen?'),
      a(() => 'Ja, dat nemen we mee als optionele beheerdienst per laadpunt per maand. Thuisladen van medewerkers wordt automatisch verrekend via de MID-gecertificeerde meter.'),
      c(() => 'Mooi, dan wachten we de offerte af.'),
      a((x) => `De offerte staat klaar: ${x.amount} excl. btw voor hardware en installatie. Ik bel je morgen om hem door te nemen.`, 'quote'),
    ],
    task: { type: 'SCHEDULE_VISIT', title: (x) => `Schouw laadplein ${x.company} (${x.city})` },
  },
  {
    id: 'nl-reschedule',
    lang: 'nl',
    type: 'INSTALLATION_COORDINATION',
    team: 'Customer Service',
    weight: 7,
    subject: (x) => `Afspraak verzetten ${x.order}`,
    tags: ['planning', 'verzetten'],
    turns: [
      c((x) => `Hoi, de installatie staat gepland op ${x.date}, maar ik moet die dag onverwacht werken. Kan het een andere dag?`),
      a((x) => `Hoi ${x.first}, geen probleem! Ik kan je ${x.date2} tussen ${x.slot} aanbieden. Komt dat beter uit?`),
      c(() => 'Dat is perfect.'),
      a((x) => `Top, de afspraak is verzet naar ${x.date2}. Je ontvangt een nieuwe bevestiging per e-mail.`),
      c(() => 'Dank je wel!'),
    ],
  },
  {
    id: 'nl-partner-order',
    lang: 'nl',
    type: 'PARTNER_INQUIRY',
    team: 'Sales',
    weight: 4,
    channels: ['api', 'email'],
    business: true,
    subject: (x) => `Laderthuis: installatie-aanvraag ${x.order} (${x.city})`,
    tags: ['partner', 'laderthuis'],
    turns: [
      c(
        (x) =>
          `Nieuwe installatie-aanvraag via Laderthuis.nl: ${x.charger} bij klant in ${x.city}, ${x.street}. Klant wil graag binnen drie weken geïnstalleerd hebben. Meterkastfoto's zitten in de bijlage.`,
        'document',
      ),
      a((x) => `Dank jullie wel! We kunnen ${x.date} in ${x.city} installeren. Zullen wij de klant direct benaderen voor de afspraak?`),
      c(() => 'Ja graag, en stuur ons het opleverrapport na installatie.'),
      n(() => "Partnerorder; opleverrapport + foto's terugsturen naar Laderthuis via API."),
      a(() => 'Afgesproken. Het opleverrapport sturen we automatisch terug via de partner-API.'),
      c(() => 'Opleverrapport ontvangen, dank!'),
    ],
    task: { type: 'DOCUMENTATION', title: (x) => `Opleverrapport ${x.order} naar Laderthuis sturen` },
  },
  {
    id: 'nl-damage',
    lang: 'nl',
    type: 'COMPLAINT',
    team: 'Customer Service',
    weight: 3,
    urgency: 'high',
    subject: () => 'Schade aan gevel na installatie',
    tags: ['klacht', 'schade'],
    turns: [
      c(() => 'Na de installatie van gisteren zit er een flinke beschadiging in het voegwerk van de gevel waar de kabel naar binnen gaat. Zie foto.', 'photo'),
      a((x) => `Beste ${x.first}, wat vervelend. Dank voor de foto. Ik leg dit direct voor aan de monteur en de teamleider.`),
      n((x) => `@${x.lead} schade aan voegwerk, monteur ${x.installer} bevestigt dat de boring is uitgeschoten. Herstel via voeger laten uitvoeren op onze kosten.`),
      a((x) => `We nemen de schade voor onze rekening. Een voeger komt op ${x.date} het voegwerk herstellen. Schikt dat?`),
      c(() => 'Ja, dat is goed. Fijn dat het zo netjes wordt opgepakt.'),
      a(() => 'Het voegwerk is hersteld. Mocht je nog iets zien, laat het ons weten.'),
      c(() => 'Ziet er weer goed uit, bedankt.'),
    ],
  },
  {
    id: 'nl-solar',
    lang: 'nl',
    type: 'TECHNICAL_ISSUE',
    team: 'Technical Support',
    weight: 5,
    subject: () => 'Laden op zonne-energie instellen',
    tags: ['zonnepanelen', 'app', 'instellingen'],
    turns: [
      c((x) => `Hoi, ik heb 14 zonnepanelen en wil mijn ${x.car} vooral laden als de zon schijnt. Kan dat met de ${x.charger}?`),
      a(() => 'Hoi! Ja, dat kan als de laadpaal via de P1-meter ziet hoeveel stroom je teruglevert. In de app kun je dan "Zonneladen" of "Eco-modus" aanzetten.'),
      c(() => 'Ik heb de eco-modus aangezet, maar hij laadt nu helemaal niet meer.'),
      a(
        () =>
          'Dat komt doordat een auto minimaal 6A per fase nodig heeft (ongeveer 1,4 kW op 1 fase). Als je overschot kleiner is, start het laden niet. Stel een minimum laadstroom van 6A in, dan vult de laadpaal aan met net-stroom.',
      ),
      c(() => 'Ah, dat verklaart het. Het werkt nu.'),
    ],
  },
  {
    id: 'nl-cable-choice',
    amount: [1049, 1649],
    lang: 'nl',
    type: 'SALES_INQUIRY',
    team: 'Sales',
    weight: 4,
    subject: () => 'Vaste kabel of socket?',
    tags: ['advies', 'product'],
    turns: [
      c((x) => `Wat raden jullie aan: een laadpaal met vaste kabel of met socket? We hebben nu een ${x.car} en mijn partner krijgt volgend jaar een leaseauto.`),
      a(
        (x) =>
          `Hoi ${x.first}! Met een vaste kabel hoef je nooit een kabel te pakken, dat is het makkelijkst. Een socket is flexibeler als er verschillende auto's gaan laden. Omdat beide auto's Type 2 hebben, adviseren we een vaste kabel van 7,5 meter.`,
      ),
      c(() => 'En wat kost dat inclusief installatie?'),
      a((x) => `De ${x.charger} met vaste kabel kost ${x.amount} inclusief standaardinstallatie (tot 10 meter kabel vanaf de meterkast).`),
      c(() => 'Dan bestel ik hem via de website.'),
      a(() => "Top! Na je bestelling ontvang je een link om foto's van de meterkast te uploaden."),
    ],
  },
  {
    id: 'nl-kwh-reimbursement',
    lang: 'nl',
    type: 'CUSTOMER_SUPPORT',
    team: 'Customer Service',
    weight: 4,
    subject: () => 'Thuislaadkosten vergoed krijgen van werkgever',
    tags: ['verrekening', 'lease'],
    turns: [
      c(() => 'Mijn werkgever vergoedt de laadkosten thuis, maar ik moet een MID-geijkte meter hebben en een maandoverzicht. Hoe regel ik dat?'),
      a((x) => `Hoi ${x.first}! De ${x.charger} heeft een MID-gecertificeerde meter. In het portaal kun je onder "Rapportages" een maandoverzicht als PDF of CSV downloaden.`),
      c(() => 'Kan het ook automatisch naar de leasemaatschappij?'),
      a(() => 'Ja, we ondersteunen automatische verrekening met onder meer LeasePlan, Athlon en Alphabet. Geef je lease-contractnummer door, dan koppelen we het.'),
      c(() => 'Contractnummer is LP-8841273.'),
      a(() => 'Gekoppeld! Vanaf volgende maand gaat de verrekening automatisch.'),
    ],
  },
];

// ------------------------------------------------------------------ English

const EN: Scenario[] = [
  {
    id: 'en-install-date',
    lang: 'en',
    type: 'INSTALLATION_COORDINATION',
    team: 'Customer Service',
    weight: 6,
    subject: (x) => `Installation date for order ${x.order}`,
    tags: ['installation', 'planning'],
    turns: [
      c((x) => `Hi, I ordered a ${x.charger} (${x.order}) last week. I just moved to ${x.city} and don't speak Dutch yet, hope that's ok! When can you install it?`),
      a((x) => `Hi ${x.first}, of course, happy to help in English! Could you send us a photo of your meter cupboard (meterkast) and the spot where you want the charger?`),
      c(() => 'Here you go.', 'photo'),
      a((x) => `Thanks! Everything looks fine, no upgrade needed. We can install on ${x.date} between ${x.slot}. Does that work for you?`),
      c(() => 'Perfect, see you then.'),
      a((x) => `Great, it's booked. ${x.installer} will call you 30 minutes before arrival.`),
      c(() => 'Installed and charging, thank you!'),
    ],
    task: { type: 'SCHEDULE_VISIT', title: (x) => `Schedule installation ${x.order} (English-speaking customer)` },
  },
  {
    id: 'en-not-starting',
    lang: 'en',
    type: 'TECHNICAL_ISSUE',
    team: 'Technical Support',
    weight: 5,
    urgency: 'high',
    subject: (x) => `${x.car} won't start charging`,
    tags: ['fault', 'charging'],
    turns: [
      c((x) => `My ${x.car} won't start charging on the ${x.charger}. The light turns blue for a second, then nothing. Other chargers work fine.`),
      a(() => 'Sorry to hear that! Is a charging schedule set in the car or in the charger app? A scheduled charge often looks exactly like this.'),
      c(() => 'No schedule in the app. In the car there is "off-peak charging" from 23:00.'),
      a(() => 'That\'s it: the car waits for the off-peak window. Switch it off in the car (Charging > Schedule) or tap "Charge now" and it should start right away.'),
      c(() => 'Wow, that was it. Feeling a bit silly now 🙂'),
      a(() => 'No worries at all, it happens a lot! Enjoy your charging.'),
    ],
  },
  {
    id: 'en-lease-invoice',
    lang: 'en',
    type: 'CUSTOMER_SUPPORT',
    team: 'Customer Service',
    weight: 4,
    subject: (x) => `Invoice ${x.order} in company name`,
    tags: ['invoice', 'business'],
    business: true,
    turns: [
      c((x) => `Hello, could you reissue the invoice for ${x.order} in the name of my company, ${x.company}? Our lease company needs it for reimbursement.`),
      a((x) => `Hi ${x.first}, sure! Please send us the company address and VAT number and we'll issue a corrected invoice.`),
      c(() => 'Keizersgracht 221, 1016 DV Amsterdam, VAT NL862451239B01.'),
      a(() => 'Done, the corrected invoice is attached.', 'invoice'),
      c(() => 'Received, thanks a lot.'),
    ],
  },
  {
    id: 'en-relocate',
    amount: [449, 795],
    lang: 'en',
    type: 'INSTALLATION_COORDINATION',
    team: 'Technical Support',
    weight: 3,
    subject: () => 'Moving house – can you relocate my charger?',
    tags: ['relocation', 'installation'],
    turns: [
      c((x) => `We're moving to ${x.city} next month. Can you uninstall the ${x.charger} here and install it at our new home?`),
      a(
        () =>
          'Hi! Yes, we offer a relocation service: uninstalling, capping the old circuit safely and installing at your new address. Could you send photos of the meter cupboard at the new house?',
      ),
      c(() => 'Attached.', 'photo'),
      a((x) => `Thanks! The new meter cupboard has space for an extra group. Relocation costs ${x.amount}. We can do both on ${x.date}.`),
      c(() => 'Sounds good, please book it.'),
      a(() => "Booked! You'll receive a confirmation by e-mail."),
    ],
    task: { type: 'SCHEDULE_VISIT', title: (x) => `Relocation: uninstall + reinstall ${x.charger}` },
  },
  {
    id: 'en-complaint-delay',
    lang: 'en',
    type: 'COMPLAINT',
    team: 'Management',
    weight: 2,
    urgency: 'high',
    subject: (x) => `Complaint: order ${x.order} delayed for weeks`,
    tags: ['complaint', 'delivery'],
    turns: [
      c(
        (x) =>
          `I paid for my charger six weeks ago (${x.order}) and still have no installation date. Every time I call I get a different answer. I want a date this week or a refund.`,
      ),
      a((x) => `Dear ${x.first}, I'm really sorry. That's not the service we want to give. I'm looking into your order personally right now.`),
      n((x) => `@${x.lead} order stuck because grid operator approval for 3-phase upgrade never got logged. Please prioritise.`),
      a(
        (x) =>
          `I found the problem: the grid operator approval was received but not processed. I've scheduled your installation on ${x.date} and we'll waive the installation fee.`,
      ),
      c(() => 'Thank you. I appreciate the honesty.'),
    ],
    task: { type: 'ESCALATE', title: (x) => `Review delayed order ${x.order} with planning` },
  },
];

// ------------------------------------------------------------------ Italian

const IT: Scenario[] = [
  {
    id: 'it-install-date',
    lang: 'it',
    type: 'INSTALLATION_COORDINATION',
    team: 'Customer Service',
    weight: 8,
    subject: (x) => `Data installazione wallbox ordine ${x.order}`,
    tags: ['installazione', 'pianificazione', 'italia'],
    turns: [
      c((x) => `Buongiorno, ho acquistato una ${x.charger} (ordine ${x.order}). Vorrei sapere quando potete venire a installarla a ${x.city}.`),
      a((x) => `Buongiorno ${x.first}, grazie per averci scritto! Per organizzare l'intervento ci serve una foto del quadro elettrico e del contatore. Può inviarcele qui?`),
      c(() => 'Ecco le foto del quadro e del contatore.', 'photo'),
      n((x) => `Contatore 6 kW monofase, quadro con spazio. Installatore partner a ${x.city}: disponibilità ${x.date}.`),
      a((x) => `Grazie! L'impianto è adeguato. Possiamo fissare l'installazione per ${x.date}, fascia ${x.slot}. Le va bene?`),
      c(() => 'Sì, perfetto. Il tecnico mi chiama prima di arrivare?'),
      a((x) => `Certo, ${x.installer} la chiamerà circa mezz'ora prima. Riceverà anche una conferma via e-mail.`),
      c(() => 'Grazie mille, gentilissimi!'),
    ],
    task: { type: 'SCHEDULE_VISIT', title: (x) => `Pianificare installazione ${x.order} – ${x.city}` },
  },
  {
    id: 'it-e-invoice',
    lang: 'it',
    type: 'CUSTOMER_SUPPORT',
    team: 'Customer Service',
    weight: 7,
    business: true,
    subject: (x) => `Fattura elettronica non ricevuta – ordine ${x.order}`,
    tags: ['fattura', 'sdi', 'italia'],
    turns: [
      c(
        (x) =>
          `Buongiorno, non abbiamo ricevuto la fattura elettronica per l'ordine ${x.order}. Il nostro commercialista ne ha bisogno entro fine mese per la contabilità di ${x.company}.`,
      ),
      a((x) => `Buongiorno ${x.first}, ci scusiamo per il ritardo. Verifico subito lo stato dell'invio allo SdI.`),
      n(() => 'Fattura scartata da SdI (codice destinatario errato in anagrafica). Correggere codice SDI e ritrasmettere.'),
      a(
        () =>
          "Ho verificato: la fattura è stata scartata dallo SdI perché in anagrafica avevamo un codice destinatario errato. L'ho corretto e ritrasmesso oggi. Le allego anche la copia di cortesia in PDF.",
        'invoice',
      ),
      c(() => 'Ricevuta nel cassetto fiscale, grazie.'),
      a(() => 'Ottimo! Resto a disposizione per qualsiasi altra necessità.'),
    ],
    task: { type: 'FOLLOW_UP', title: (x) => `Verificare consegna fattura SdI ${x.order}` },
  },
  {
    id: 'it-red-light',
    lang: 'it',
    type: 'TECHNICAL_ISSUE',
    team: 'Technical Support',
    weight: 6,
    urgency: 'high',
    subject: (x) => `La ${x.charger} lampeggia rosso`,
    tags: ['guasto', 'italia'],
    turns: [
      c((x) => `Salve, da ieri sera la wallbox lampeggia rossa e la mia ${x.car} non si ricarica. Cosa posso fare?`),
      a(
        () =>
          "Buongiorno, ci dispiace per il problema. Può provare a spegnere l'interruttore della wallbox nel quadro per 30 secondi e poi riaccenderlo? Nell'app compare un codice di errore?",
      ),
      c((x) => `Fatto, ma lampeggia ancora. Nell'app c'è ${x.errorCode}.`, 'photo'),
      n((x) => `${x.errorCode}: probabile intervento della protezione differenziale. Richiesta diagnosi remota.`),
      a(
        (x) =>
          `Grazie. Dalla diagnosi remota risulta un intervento della protezione differenziale. Mandiamo un tecnico il ${x.date} nella fascia ${x.slot}; l'intervento è in garanzia.`,
      ),
      c(() => 'Va bene, grazie per la rapidità.'),
      a((x) => `Aggiornamento: ${x.installer} ha sostituito il differenziale difettoso e la wallbox funziona di nuovo regolarmente.`),
    ],
    task: { type: 'SCHEDULE_VISIT', title: (x) => `Intervento tecnico ${x.errorCode} – ${x.city}` },
  },
  {
    id: 'it-hotel-quote',
    amount: [1550, 1990],
    perChargePoint: true,
    lang: 'it',
    type: 'SALES_INQUIRY',
    team: 'Sales',
    weight: 5,
    business: true,
    subject: (x) => `Preventivo ${x.chargers} punti di ricarica per hotel`,
    tags: ['preventivo', 'business', 'italia'],
    turns: [
      c(
        (x) =>
          `Buongiorno, gestiamo un hotel a ${x.city} e vorremmo installare ${x.chargers} punti di ricarica per i nostri ospiti, con pagamento tramite app o carta. Potete inviarci un preventivo?`,
      ),
      a((x) => `Buongiorno ${x.first}, con piacere! Qual è la potenza del contatore della struttura e dove si trovano i posti auto?`),
      c(() => 'Abbiamo un contatore da 50 kW trifase e un parcheggio privato sul retro, a circa 25 metri dal quadro.'),
      n(() => 'Proposta: Zaptec Pro con bilanciamento dinamico, gestione pagamenti via piattaforma roaming. Sopralluogo necessario.'),
      a(
        (x) =>
          `Perfetto. Proponiamo ${x.chargers} Zaptec Pro con bilanciamento dinamico del carico e pagamento via app. Per il preventivo definitivo serve un sopralluogo: saremmo disponibili il ${x.date}.`,
      ),
      c(() => 'Va bene per il sopralluogo. Potete indicare anche gli incentivi disponibili per le imprese?'),
      a((x) => `Certo, nel preventivo indicheremo anche gli incentivi per le imprese attualmente disponibili. Il preventivo indicativo è di ${x.amount} + IVA.`, 'quote'),
    ],
    task: { type: 'SCHEDULE_VISIT', title: (x) => `Sopralluogo hotel ${x.company} – ${x.city}` },
  },
  {
    id: 'it-meter-trips',
    amount: [249, 449],
    lang: 'it',
    type: 'TECHNICAL_ISSUE',
    team: 'Technical Support',
    weight: 5,
    subject: () => 'Il contatore salta durante la ricarica',
    tags: ['contatore', 'bilanciamento', 'italia'],
    turns: [
      c(() => "Buonasera, ho un contatore da 3 kW e quando ricarico l'auto e accendo il forno salta tutto. Si può risolvere senza aumentare la potenza?"),
      a(
        (x) =>
          `Buongiorno ${x.first}, sì: la ${x.charger} supporta il bilanciamento dinamico del carico con un misuratore sul contatore. La wallbox riduce automaticamente la potenza quando la casa consuma di più.`,
      ),
      c(() => "E quanto costa il misuratore con l'installazione?"),
      a((x) => `Il kit con misuratore e installazione costa ${x.amount} IVA inclusa. In alternativa può chiedere al suo fornitore un aumento di potenza a 4,5 o 6 kW.`),
      c(() => 'Preferisco il misuratore. Procediamo.'),
      a((x) => `Perfetto, l'installazione del misuratore è fissata per il ${x.date}.`),
      c(() => 'Installato: ora posso usare forno e wallbox insieme. Grazie!'),
    ],
  },
  {
    id: 'it-complaint',
    lang: 'it',
    type: 'COMPLAINT',
    team: 'Management',
    weight: 3,
    urgency: 'high',
    subject: (x) => `Reclamo: installazione rinviata due volte (${x.order})`,
    tags: ['reclamo', 'installazione', 'italia'],
    turns: [
      c((x) => `Sono molto deluso: l'installazione dell'ordine ${x.order} è stata rinviata già due volte, sempre all'ultimo momento. Pretendo una data certa.`),
      a((x) => `Gentile ${x.first}, ha perfettamente ragione e ci scusiamo. Prendo in carico personalmente la sua pratica.`),
      n((x) => `@${x.lead} l'installatore partner ha cancellato due volte. Assegnare a un altro partner e offrire uno sconto.`),
      { who: 's', text: () => 'Conversazione inoltrata al responsabile (priorità ALTA).' },
      a((x) => `Abbiamo affidato l'installazione a un altro partner: la data confermata è il ${x.date}, fascia ${x.slot}. Come scusa le applicheremo uno sconto del 10%.`),
      c(() => 'Va bene, speriamo che questa volta sia quella giusta.'),
      a(() => "L'installazione è stata completata. Grazie per la pazienza, e ancora scuse per il disagio."),
    ],
    task: { type: 'ESCALATE', title: (x) => `Reclamo ${x.order}: verificare partner installatore` },
  },
  {
    id: 'it-bonus',
    lang: 'it',
    type: 'SALES_INQUIRY',
    team: 'Sales',
    weight: 3,
    subject: () => 'Bonus colonnine domestiche',
    tags: ['incentivi', 'italia'],
    turns: [
      c(() => 'Buongiorno, posso usufruire del bonus colonnine domestiche se acquisto la wallbox da voi?'),
      a(
        (x) =>
          `Buongiorno ${x.first}! Il contributo dipende dai bandi attivi del Ministero: quando il bando è aperto, la domanda si presenta sulla piattaforma dedicata con fattura e pagamento tracciabile. Le nostre fatture riportano già tutti i dati richiesti.`,
      ),
      c(() => 'Quindi devo pagare con bonifico?'),
      a(
        () => 'Sì, serve un pagamento tracciabile (bonifico o carta) intestato alla persona che presenta la domanda. Le invio la scheda tecnica della wallbox da allegare.',
        'document',
      ),
      c(() => 'Grazie, molto chiaro.'),
    ],
  },
  {
    id: 'it-partner',
    lang: 'it',
    type: 'PARTNER_INQUIRY',
    team: 'Sales',
    weight: 3,
    business: true,
    channels: ['email', 'api', 'phone'],
    subject: () => 'Richiesta di collaborazione come installatore partner',
    tags: ['partner', 'italia'],
    turns: [
      c(
        (x) =>
          `Buongiorno, siamo ${x.company}, installatori elettrici certificati a ${x.city}. Saremmo interessati a diventare vostri partner per le installazioni di wallbox in zona.`,
      ),
      a((x) => `Buongiorno ${x.first}, grazie per l'interesse! Può inviarci visura camerale, certificazioni (DM 37/08) e polizza RC?`),
      c(() => 'In allegato i documenti richiesti.', 'document'),
      n(() => 'Documenti completi. Proporre onboarding e formazione Zaptec/Easee.'),
      a((x) => `Documentazione completa, grazie. Le proponiamo una sessione di onboarding online il ${x.date}.`),
      c(() => 'Confermato, a presto.'),
    ],
    task: { type: 'RESEARCH', title: (x) => `Verifica documenti partner ${x.company}` },
  },
];

// ------------------------------------------------------------------ internal (no customer)

const INTERNAL: Scenario[] = [
  {
    id: 'int-stock',
    lang: 'nl',
    type: 'INTERNAL_TASK',
    team: 'Technical Support',
    weight: 3,
    channels: ['internal'],
    subject: () => 'Voorraad Zaptec Go bijna op',
    tags: ['intern', 'voorraad'],
    turns: [
      n(() => 'Nog 6 Zaptec Go op voorraad, 14 installaties gepland komende twee weken. Bestelling bij de groothandel nodig.'),
      n((x) => `@${x.lead} akkoord om 30 stuks te bestellen? Levertijd is nu 5 werkdagen.`),
      n(() => 'Akkoord, bestel er 30. Zet de geplande installaties met Easee als alternatief klaar voor het geval de levering uitloopt.'),
      n(() => 'Besteld, levering verwacht volgende week dinsdag.'),
    ],
  },
  {
    id: 'int-firmware',
    lang: 'nl',
    type: 'PROJECT_DISCUSSION',
    team: 'Technical Support',
    weight: 3,
    channels: ['internal'],
    subject: () => 'Firmware-update Easee: klanten informeren',
    tags: ['intern', 'firmware'],
    turns: [
      n(() => 'Easee rolt deze week firmware uit die het laden met sommige Renault-modellen verbetert. Verwacht meer vragen over herstarts tijdens de update.'),
      n(() => 'Zal ik een standaardantwoord maken in de templates (NL/EN/IT)?'),
      n((x) => `Graag. @${x.agent} neem jij de Italiaanse versie?`),
      n(() => 'Templates staan klaar en zijn gedeeld met Customer Service.'),
    ],
  },
  {
    id: 'int-planning',
    lang: 'nl',
    type: 'INTERNAL_TASK',
    team: 'Customer Service',
    weight: 3,
    channels: ['internal'],
    subject: () => 'Monteursplanning volgende week controleren',
    tags: ['intern', 'planning'],
    turns: [
      n(() => 'Planning volgende week: 3 monteurs op vakantie, 41 installaties ingepland. Regio Utrecht is overboekt.'),
      n(() => 'Kunnen we 6 installaties in Utrecht doorschuiven naar het partnerbedrijf in Amersfoort?'),
      n(() => 'Afgestemd met de partner: ze nemen er 5. Klanten worden vandaag gebeld.'),
      n(() => 'Alle klanten gebeld, 1 klant wil liever wachten op onze eigen monteur.'),
    ],
  },
  {
    id: 'int-rma',
    lang: 'en',
    type: 'INTERNAL_TASK',
    team: 'Technical Support',
    weight: 2,
    channels: ['internal'],
    subject: () => 'RMA: defective Alfen Eve units from batch 2231',
    tags: ['internal', 'rma'],
    turns: [
      n(() => 'Third Alfen Eve from batch 2231 with a faulty contactor this month. Opening an RMA with Alfen.'),
      n(() => 'Alfen confirms a known issue with that batch; they ship replacements within 3 working days.'),
      n(() => 'Affected customers listed in the RMA sheet. Please schedule swaps once the units arrive.'),
    ],
  },
];

export const SCENARIOS: Record<Lang, Scenario[]> = { nl: NL, en: EN, it: IT };
export const INTERNAL_SCENARIOS: Scenario[] = INTERNAL;

/** Per-language text around messages and common system events. */
export const PHRASES: Record<
  Lang,
  {
    greetCustomer: (first: string) => string;
    greetAgent: () => string;
    closingCustomer: string;
    closingAgent: string;
    signatureTeam: string;
    nudge: string;
    autoResponse: (org: string) => string;
    assigned: (agent: string) => string;
    queued: (team: string) => string;
    closed: (agent: string) => string;
    resolved: (agent: string) => string;
    slaWarning: string;
    callIn: (min: number, sec: number) => string;
    callOut: (min: number, sec: number) => string;
    reply: string;
  }
> = {
  nl: {
    greetCustomer: (f) => `Beste ${f},`,
    greetAgent: () => 'Beste klantenservice,',
    closingCustomer: 'Met vriendelijke groet,',
    closingAgent: 'Met vriendelijke groet,',
    signatureTeam: 'Klantenservice ChargeCars\n+31 20 215 2900 · chargecars.nl',
    nudge: 'Hallo? Ik heb nog geen reactie gehad. Kan er iemand naar kijken?',
    autoResponse: (org) => `Bedankt voor je bericht aan ${org}! We reageren op werkdagen tussen 08:30 en 17:30 zo snel mogelijk.`,
    assigned: (agent) => `Gesprek toegewezen aan ${agent} (automatische toewijzing).`,
    queued: (team) => `Gesprek in de wachtrij van ${team} geplaatst.`,
    closed: (agent) => `Gesprek gesloten door ${agent}.`,
    resolved: (agent) => `Gesprek gemarkeerd als opgelost door ${agent}.`,
    slaWarning: 'SLA-waarschuwing: 80% van de reactietijd is verstreken.',
    callIn: (m, s) => `📞 Inkomend gesprek (${m}:${String(s).padStart(2, '0')}) – `,
    callOut: (m, s) => `📞 Teruggebeld (${m}:${String(s).padStart(2, '0')}) – `,
    reply: 'RE: ',
  },
  en: {
    greetCustomer: (f) => `Dear ${f},`,
    greetAgent: () => 'Hello,',
    closingCustomer: 'Kind regards,',
    closingAgent: 'Kind regards,',
    signatureTeam: 'ChargeCars Customer Service\n+31 20 215 2900 · chargecars.nl',
    nudge: "Hi, I haven't heard back yet. Could someone take a look?",
    autoResponse: (org) => `Thanks for contacting ${org}! We reply on weekdays between 08:30 and 17:30 (CET) as soon as possible.`,
    assigned: (agent) => `Conversation assigned to ${agent} (auto-assignment).`,
    queued: (team) => `Conversation queued for ${team}.`,
    closed: (agent) => `Conversation closed by ${agent}.`,
    resolved: (agent) => `Conversation marked as resolved by ${agent}.`,
    slaWarning: 'SLA warning: 80% of the response time has elapsed.',
    callIn: (m, s) => `📞 Inbound call (${m}:${String(s).padStart(2, '0')}) – `,
    callOut: (m, s) => `📞 Called back (${m}:${String(s).padStart(2, '0')}) – `,
    reply: 'RE: ',
  },
  it: {
    greetCustomer: (f) => `Gentile ${f},`,
    greetAgent: () => 'Buongiorno,',
    closingCustomer: 'Cordiali saluti,',
    closingAgent: 'Cordiali saluti,',
    signatureTeam: 'Servizio clienti ChargeCars\n+31 20 215 2900 · chargecars.nl',
    nudge: 'Buongiorno, non ho ancora ricevuto risposta. Qualcuno può aiutarmi?',
    autoResponse: (org) => `Grazie per aver contattato ${org}! Rispondiamo dal lunedì al venerdì, dalle 08:30 alle 17:30, il prima possibile.`,
    assigned: (agent) => `Conversazione assegnata a ${agent} (assegnazione automatica).`,
    queued: (team) => `Conversazione in coda per il team ${team}.`,
    closed: (agent) => `Conversazione chiusa da ${agent}.`,
    resolved: (agent) => `Conversazione segnata come risolta da ${agent}.`,
    slaWarning: "Avviso SLA: è trascorso l'80% del tempo di risposta.",
    callIn: (m, s) => `📞 Chiamata in entrata (${m}:${String(s).padStart(2, '0')}) – `,
    callOut: (m, s) => `📞 Richiamato (${m}:${String(s).padStart(2, '0')}) – `,
    reply: 'R: ',
  },
};

/** Standalone tasks (not tied to a thread). */
export const STANDALONE_TASKS: { type: TaskType; title: string; description: string }[] = [
  {
    type: 'DOCUMENTATION',
    title: 'Kennisbankartikel foutcodes Zaptec Go bijwerken',
    description: "Nieuwe foutcodes uit firmware 2.4 toevoegen, inclusief foto's van de ledstatus.",
  },
  { type: 'RESEARCH', title: 'Vergelijk laadpas-verrekening leasemaatschappijen', description: 'Welke leasemaatschappijen ondersteunen automatische kWh-verrekening via OCPP?' },
  { type: 'OTHER', title: 'Maandrapportage SLA klantenservice', description: 'Eerste reactietijd per kanaal en percentage binnen SLA, voor het MT-overleg.' },
  { type: 'APPROVAL_REQUEST', title: 'Goedkeuring nieuw standaardantwoord klachten', description: 'Nieuwe klachttemplate NL/EN/IT laten goedkeuren door management.' },
  {
    type: 'RESEARCH',
    title: 'Uitzoeken: netbeheerder-doorlooptijd verzwaring 3x25A',
    description: 'Gemiddelde doorlooptijd per netbeheerder (Liander, Stedin, Enexis) voor verzwaringen.',
  },
  {
    type: 'FOLLOW_UP',
    title: 'Feedback partner Laderthuis over opleverrapporten',
    description: "Laderthuis wil foto's van de kabelroute in het opleverrapport; afstemmen met planning.",
  },
  { type: 'DOCUMENTATION', title: 'Handleiding P1-dongle koppelen (NL/EN/IT)', description: 'Stap-voor-stap instructie met screenshots van de app.' },
  { type: 'OTHER', title: "Training nieuwe collega's WhatsApp-templates", description: 'Uitleg over het 24-uursvenster en goedgekeurde templates.' },
  {
    type: 'RESEARCH',
    title: 'Verifica procedura fatturazione elettronica verso PA',
    description: 'Clienti pubblici italiani richiedono codice CIG e split payment: verificare con amministrazione.',
  },
  { type: 'SEND_EMAIL', title: 'Nieuwsbrief: zomeractie installatie + meterkast', description: 'Tekst aanleveren bij marketing voor de klantnieuwsbrief.' },
  { type: 'CALLBACK', title: 'Terugbellen groothandel over levertijden Alfen', description: 'Levertijden Alfen Eve Pro-line lopen op; alternatief bespreken.' },
  { type: 'DOCUMENTATION', title: 'Checklist schouw zakelijke laadpleinen', description: 'Standaard checklist voor schouw: aansluitwaarde, graafwerk, parkeerplaatsen, netwerk.' },
  { type: 'OTHER', title: 'Evaluatie klachten Q3', description: 'Top-5 klachtoorzaken en verbeteracties voor het kwartaaloverleg.' },
  { type: 'APPROVAL_REQUEST', title: 'Budget extra monteur regio Noord-Brabant', description: 'Wachttijd voor installaties in regio Eindhoven is opgelopen naar 4 weken.' },
  { type: 'FOLLOW_UP', title: 'Easee RMA-status navragen', description: 'Drie units wachten nog op vervanging.' },
];
