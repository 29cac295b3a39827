import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach, vi } from 'vitest';
import { i18n, i18nReady, setTimeZone, UI_LANGUAGES } from '../i18n';

// Each language is a lazily loaded chunk in the app; the tests have all three in before they start,
// so switching is synchronous in them.
await i18nReady;
await i18n.loadLanguages([...UI_LANGUAGES]);

// Existing tests assert English texts: every test starts in English and the process's time zone
// (tests about nl/it switch with i18n.changeLanguage and restore it).
await i18n.changeLanguage('en');
afterEach(() => {
  if (i18n.language !== 'en') void i18n.changeLanguage('en');
  setTimeZone(undefined);
});

afterEach(() => {
  cleanup();
});

// jsdom lacks the browser APIs Mantine and the infinite-scroll sentinel rely on.
Object.defineProperty(window, 'matchMedia', {
  writable: true,
  value: vi.fn().mockImplementation((query: string) => ({
    matches: false,
    media: query,
    onchange: null,
    addListener: vi.fn(),
    removeListener: vi.fn(),
    addEventListener: vi.fn(),
    removeEventListener: vi.fn(),
    dispatchEvent: vi.fn(),
  })),
});

class ResizeObserverStub {
  observe() {}
  unobserve() {}
  disconnect() {}
}
window.ResizeObserver = ResizeObserverStub as unknown as typeof ResizeObserver;

class IntersectionObserverStub {
  readonly root = null;
  readonly rootMargin = '';
  readonly thresholds = [];
  observe() {}
  unobserve() {}
  disconnect() {}
  takeRecords() {
    return [];
  }
}
window.IntersectionObserver = IntersectionObserverStub as unknown as typeof IntersectionObserver;

Element.prototype.scrollIntoView = vi.fn();
window.HTMLElement.prototype.scrollTo = vi.fn() as never;

// Textarea autosize listens to font loading.
if (!('fonts' in document) || !document.fonts) {
  Object.defineProperty(document, 'fonts', {
    configurable: true,
    value: { addEventListener: vi.fn(), removeEventListener: vi.fn(), ready: Promise.resolve() },
  });
}
