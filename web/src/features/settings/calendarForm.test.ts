import { describe, expect, it } from 'vitest';
import { defaultCalendarDraft, emptyHours, formKeyOfServerPath, hoursInput, hoursSummary, validateCalendar, type CalendarDraft } from './calendarForm';

const draft = (hours: Record<number, [string, string][]>, extra: Partial<CalendarDraft> = {}): CalendarDraft => {
  const h = emptyHours();
  for (const [d, list] of Object.entries(hours)) h[Number(d)] = list.map(([opens, closes], i) => ({ key: `${d}-${i}`, opens, closes }));
  return { name: 'Office', timezone: 'Europe/Amsterdam', holidayCountry: 'NL', holidays: [], hours: h, ...extra };
};

describe('calendar form', () => {
  it('accepts several intervals per weekday (lunch break) and 24:00 as closing time', () => {
    expect(
      validateCalendar(
        draft({
          1: [
            ['09:00', '12:30'],
            ['13:30', '17:00'],
          ],
          6: [['20:00', '24:00']],
        }),
      ),
    ).toEqual({});
  });

  it.each([
    ['9:00', '17:00', 'day.1.0.opens'],
    ['09:00', '25:00', 'day.1.0.closes'],
    ['24:00', '24:00', 'day.1.0.opens'],
    ['17:00', '09:00', 'day.1.0.closes'],
    ['09:00', '09:00', 'day.1.0.closes'],
  ])('flags %s–%s on %s', (opens, closes, key) => {
    expect(Object.keys(validateCalendar(draft({ 1: [[opens, closes]] })))).toContain(key);
  });

  it('flags overlapping intervals of one day (touching is fine)', () => {
    expect(
      validateCalendar(
        draft({
          2: [
            ['09:00', '13:00'],
            ['12:00', '17:00'],
          ],
        }),
      ),
    ).toEqual({ 'day.2.1.opens': 'Overlaps another interval of this day.' });
    expect(
      validateCalendar(
        draft({
          2: [
            ['09:00', '13:00'],
            ['13:00', '17:00'],
          ],
        }),
      ),
    ).toEqual({});
  });

  it('needs a name and at least one interval', () => {
    expect(validateCalendar(draft({}, { name: ' ' }))).toEqual({ name: 'Name is required.', hours: expect.stringContaining('at least one') });
  });

  it('flattens hours in weekday order and maps server error paths back to the inputs', () => {
    const d = draft({
      3: [['08:00', '12:00']],
      1: [
        ['09:00', '12:00'],
        ['13:00', '17:00'],
      ],
    });
    const { input, origin } = hoursInput(d);
    expect(input.map((h) => `${h.weekday} ${h.opens}`)).toEqual(['1 09:00', '1 13:00', '3 08:00']);
    expect(formKeyOfServerPath('hours.1.closes', origin)).toBe('day.1.1.closes');
    expect(formKeyOfServerPath('hours.2', origin)).toBe('day.3.0.opens');
    expect(formKeyOfServerPath('hours', origin)).toBe('hours');
    expect(formKeyOfServerPath('holidays.0', origin)).toBe('holidays.0');
    expect(formKeyOfServerPath('holidayCountry', origin)).toBe('holidayCountry');
  });

  it('summarises the week', () => {
    expect(hoursSummary(hoursInput(defaultCalendarDraft()).input)).toBe('Mon–Fri 09:00–17:00');
    expect(
      hoursSummary(
        hoursInput(
          draft({
            1: [
              ['09:00', '12:00'],
              ['13:00', '17:00'],
            ],
            2: [
              ['09:00', '12:00'],
              ['13:00', '17:00'],
            ],
            6: [['10:00', '14:00']],
          }),
        ).input,
      ),
    ).toBe('Mon–Tue 09:00–12:00, 13:00–17:00; Sat 10:00–14:00');
    expect(hoursSummary([])).toBe('Never open');
  });
});
