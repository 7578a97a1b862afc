/**
 * Word lists for the demo data: Austrian companies, people and the notes employees type.
 * Umlauts and ß are deliberate — they must survive every hop from timr to Personio.
 */

export const TENANT_SLUGS = [
  'acme',
  'alpenbau',
  'donau-logistik',
  'bergblick-hotels',
  'steirer-metall',
  'wiener-backstube',
  'tirol-tech',
  'linzer-druck',
  'salzach-pflege',
  'kaerntner-holz',
  'vorarlberg-textil',
  'burgenland-wein',
  'grazer-software',
  'innviertel-agrar',
  'wachau-reisen',
  'mostviertel-maschinen',
] as const;

export const FIRST_NAMES = [
  'Anna', 'Jürgen', 'Maria', 'Lukas', 'Sophie', 'Stefan', 'Katharina', 'Florian', 'Julia', 'Andreas',
  'Lena', 'Günther', 'Elisabeth', 'Tobias', 'Sarah', 'Matthias', 'Theresa', 'Björn', 'Zoë', 'Jörg',
  'Hannah', 'Sebastian', 'Magdalena', 'Dominik', 'Verena', 'Märta', 'Christoph', 'Laura', 'Sören', 'Barbara',
  'Emir', 'Ayşe', 'Michael', 'Johanna', 'Bernhard', 'Nina', 'Philipp', 'Özlem', 'Manuel', 'Viktoria',
] as const;

export const LAST_NAMES = [
  'Huber', 'Müller', 'Gruber', 'Wagner', 'Pichler', 'Steiner', 'Moser', 'Mayer', 'Hofer', 'Leitner',
  'Berger', 'Fuchs', 'Eder', 'Fischer', 'Schmid', 'Winkler', 'Weber', 'Schwarz', 'Maier', 'Schneider',
  'Reiter', 'Mayr', 'Schmidt', 'Wimmer', 'Egger', 'Brunner', 'Lang', 'Baumgartner', 'Auer', 'Binder',
  'Grünwald', 'Weiß', 'Strauß', 'Hölzl', 'Öztürk', 'Pöschl', 'Kröll', 'Jäger', 'Lindström', 'Koç',
] as const;

/** Everyday notes; some with umlauts, one with emoji. */
export const NOTES = [
  'Kundentermin in Linz',
  'Inventur Lager Süd',
  'Schulung Brandschutz',
  'Abstimmung Größenänderung Regal 4',
  'Wartung Maschine 3, Ölwechsel',
  'Angebot für Fa. Schröder überarbeitet',
  'Telefonkonferenz mit Graz',
  'Lieferung übernommen, Palette beschädigt',
  'Nachtrag: Ausstempeln vergessen',
  'Einschulung neuer Kollegin',
  'Baustelle Wörgl',
  'Messe-Vorbereitung 📦',
] as const;

/** The note that must arrive in Personio byte for byte. */
export const UNICODE_NOTE = 'Übergabe an Jürgen ✅ 🚀';

const LONG_NOTE_SENTENCES = [
  'Übergabeprotokoll Frühschicht: Linie 2 lief ab 06:10 stabil, Ausschuss unter 1 %.',
  'Störung an der Verpackungsstraße um 08:45 behoben, Ursache war ein verklemmter Sensor.',
  'Rücksprache mit Frau Gößweiner wegen der Änderung im Schichtplan für nächste Woche gehalten.',
  'Materialengpass bei Kartonagen gemeldet, Nachlieferung laut Spedition Donnerstag früh.',
  'Sicherheitsunterweisung für zwei Leiharbeiter durchgeführt und im Ordner abgelegt.',
  'Kühlraum-Temperatur dreimal geprüft (3,8 °C / 4,1 °C / 3,9 °C), alles im Soll.',
  'Offene Punkte: Etikettendrucker tauschen, Gabelstapler-Prüfung terminieren, Übergabe an Jürgen.',
] as const;

/** A note well over 1,000 characters, as a shift log typed into the app. */
export function longNote(minLength = 1_200): string {
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; length < minLength; i++) {
    const sentence = LONG_NOTE_SENTENCES[i % LONG_NOTE_SENTENCES.length] ?? '';
    parts.push(sentence);
    length += sentence.length + 1;
  }
  return parts.join(' ');
}

const TRANSLITERATION: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss', ø: 'o', æ: 'ae' };

/** ASCII local-part fragment for logins and e-mail addresses ("Jürgen" → "juergen"). */
export function asciiSlug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[äöüßøæ]/g, (ch) => TRANSLITERATION[ch] ?? ch)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '');
}
