/**
 * The satisfaction survey page: `/survey/<token>`, the signed link the hub
 * sends after a thread is resolved (modules/analytics/survey.ts). No login:
 * the token (HS256 JWT, audience `survey`, expiring after the organization's
 * linkTtlDays) is the authorization.
 *
 * - `GET /survey/:token`: 200 with a small self-contained HTML page in the
 *   customer's language (Customer.language, else the organization's locale):
 *   the question, radio buttons 1–5 (CSAT) or 0–10 (NPS), an optional
 *   comment and a send button. A plain `<form method="post">` to the same
 *   URL, no script (the CSP forbids inline scripts; styles are a `<style>`
 *   block, which the CSP's style-src 'unsafe-inline' allows). When the
 *   customer rated already, the form starts from that answer.
 * - `POST /survey/:token` (application/x-www-form-urlencoded, at most 8 kB):
 *   `score` in the scale's range and `comment` of at most 2,000 characters;
 *   stores the rating and answers 200 with a thank-you page. Posting again
 *   while the link is valid changes the rating (survey.ts).
 * - A bad signature, an expired token or a thread that is gone → 404 page;
 *   bad input → 400 with the form again and the error; a body over 8 kB →
 *   413. Nothing is stored in any of these cases.
 *
 * Every answer: `Cache-Control: no-store` (a bearer link), `X-Robots-Tag:
 * noindex`; the security headers of http/hygiene.ts apply (Referrer-Policy
 * no-referrer keeps the token out of other sites' logs).
 *
 * Mount at the application root: `app.use(createSurveyRouter(deps))`.
 */
import express, { type ErrorRequestHandler, type Request, type Response } from 'express';
import {
  SURVEY_COMMENT_MAX,
  SURVEY_ROUTE,
  SURVEY_TEXTS,
  loadSurveyPage,
  scaleRange,
  submitSurveyRating,
  surveyLanguage,
  verifySurveyToken,
  type SurveyLanguage,
  type SurveyPage,
} from '../modules/analytics/survey.js';
import type { AppDeps } from '../shared/app.js';
import { DomainError } from '../shared/errors.js';

/** Largest accepted form body. */
export const SURVEY_BODY_LIMIT = '8kb';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f5f7;color:#1f2328;line-height:1.5}
main{max-width:34rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:.75rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}
h1{font-size:1.25rem;margin:0 0 1rem}
.org{color:#57606a;font-size:.875rem;margin:0 0 .25rem}
fieldset{border:0;margin:0 0 1rem;padding:0}
legend{font-weight:600;margin-bottom:.75rem}
.scale{display:flex;flex-wrap:wrap;gap:.375rem}
.scale label{flex:1 0 2.5rem;text-align:center}
.scale input{position:absolute;opacity:0}
.scale span{display:block;padding:.5rem 0;border:1px solid #d0d7de;border-radius:.5rem;cursor:pointer;font-weight:600}
.scale input:checked+span{background:#0969da;border-color:#0969da;color:#fff}
.scale input:focus-visible+span{outline:2px solid #0969da;outline-offset:2px}
.ends{display:flex;justify-content:space-between;font-size:.8125rem;color:#57606a;margin-top:.25rem}
label.comment{display:block;font-weight:600;margin-bottom:.25rem}
textarea{width:100%;min-height:6rem;padding:.5rem;border:1px solid #d0d7de;border-radius:.5rem;font:inherit}
button{margin-top:1rem;padding:.625rem 1.25rem;border:0;border-radius:.5rem;background:#0969da;color:#fff;font:inherit;font-weight:600;cursor:pointer}
.error{background:#ffebe9;border:1px solid #ff818266;color:#82071e;padding:.5rem .75rem;border-radius:.5rem}
.note{color:#57606a;font-size:.875rem}
`;

function layout(lang: SurveyLanguage | 'en', title: string, body: string): string {
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

function send(res: Response, status: number, html: string): void {
  res.status(status);
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Robots-Tag', 'noindex, nofollow');
  res.send(html);
}

/** The page in every language the hub speaks, for answers that know no customer. */
function invalidPage(res: Response, status = 404): void {
  const lines = (['nl', 'en', 'it'] as const).map((l) => `<p lang="${l}">${esc(SURVEY_TEXTS[l].invalid)}</p>`).join('\n');
  send(res, status, layout('en', SURVEY_TEXTS.en.invalid, `<h1>${esc(SURVEY_TEXTS.en.title)}</h1>\n${lines}`));
}

/** The form, starting from `values` (the stored rating, or what was posted), with an error above it when given. */
function formPage(page: SurveyPage, values: { score: number | null; comment: string }, error?: string): string {
  const t = SURVEY_TEXTS[page.language];
  const { min, max } = scaleRange(page.claims.scale);
  const options: string[] = [];
  for (let n = min; n <= max; n++) {
    options.push(`<label><input type="radio" name="score" value="${n}" required${values.score === n ? ' checked' : ''}><span>${n}</span></label>`);
  }
  const body = [
    `<p class="org">${esc(page.organizationName)}</p>`,
    `<h1>${esc(t.title)}</h1>`,
    error ? `<p class="error" role="alert">${esc(error)}</p>` : '',
    page.current && !error ? `<p class="note">${esc(t.current)}</p>` : '',
    `<form method="post">`,
    `<fieldset>`,
    `<legend>${esc(page.question)}</legend>`,
    `<div class="scale">${options.join('')}</div>`,
    `<div class="ends"><span>${min} = ${esc(t.low[page.claims.scale])}</span><span>${max} = ${esc(t.high[page.claims.scale])}</span></div>`,
    `</fieldset>`,
    `<label class="comment" for="comment">${esc(t.comment)}</label>`,
    `<textarea id="comment" name="comment" maxlength="${SURVEY_COMMENT_MAX}">${esc(values.comment)}</textarea>`,
    `<button type="submit">${esc(t.submit)}</button>`,
    `</form>`,
  ]
    .filter(Boolean)
    .join('\n');
  return layout(page.language, `${t.title} — ${page.organizationName}`, body);
}

function thanksPage(page: SurveyPage): string {
  const t = SURVEY_TEXTS[page.language];
  return layout(page.language, t.thanks, `<p class="org">${esc(page.organizationName)}</p>\n<h1>${esc(t.thanks)}</h1>\n<p>${esc(t.thanksBody)}</p>`);
}

/** The claims and page data of a request's token; answers the 404 itself and returns null when there are none. */
async function pageOf(deps: AppDeps, req: Request, res: Response): Promise<SurveyPage | null> {
  const claims = await verifySurveyToken(deps, String(req.params.token ?? ''));
  const page = claims ? await loadSurveyPage(deps, claims) : null;
  if (!page) invalidPage(res);
  return page;
}

/** Builds the router for `GET`/`POST /survey/:token` (see the module comment). Expiry is checked against `deps.clock`. */
export function createSurveyRouter(deps: AppDeps): express.Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: SURVEY_BODY_LIMIT, parameterLimit: 10 });

  router.get(SURVEY_ROUTE, async (req, res, next) => {
    try {
      const page = await pageOf(deps, req, res);
      if (!page) return;
      send(res, 200, formPage(page, { score: page.current?.score ?? null, comment: page.current?.comment ?? '' }));
    } catch (err) {
      next(err);
    }
  });

  router.post(SURVEY_ROUTE, form, async (req, res, next) => {
    try {
      const page = await pageOf(deps, req, res);
      if (!page) return;
      const body = (req.body ?? {}) as Record<string, unknown>;
      try {
        await submitSurveyRating(deps, page.claims, body);
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        if (err.code === 'NOT_FOUND') return invalidPage(res);
        const t = SURVEY_TEXTS[page.language];
        const posted = typeof body.score === 'string' && /^\d{1,2}$/.test(body.score) ? Number(body.score) : null;
        const { min, max } = scaleRange(page.claims.scale);
        const comment = typeof body.comment === 'string' ? body.comment.slice(0, SURVEY_COMMENT_MAX * 2) : '';
        const score = posted !== null && posted >= min && posted <= max ? posted : null;
        return send(res, 400, formPage(page, { score, comment }, err.field === 'comment' ? t.errorComment : t.errorScore));
      }
      send(res, 200, thanksPage(page));
    } catch (err) {
      next(err);
    }
  });

  // Anything else under /survey is no survey (never the web app's index.html).
  router.all(/^\/survey(\/.*)?$/, (_req, res) => invalidPage(res));

  const onError: ErrorRequestHandler = (err, req, res, next) => {
    if (res.headersSent || !/^\/survey(\/|$)/.test(req.path)) return next(err);
    const status = Number((err as { status?: number }).status ?? 500);
    if (status === 413) {
      const lang = surveyLanguage(null, null);
      return send(
        res,
        413,
        layout(lang, SURVEY_TEXTS[lang].tooLarge, ['nl', 'en', 'it'].map((l) => `<p lang="${l}">${esc(SURVEY_TEXTS[l as SurveyLanguage].tooLarge)}</p>`).join('\n')),
      );
    }
    if (status >= 400 && status < 500) return invalidPage(res, 400);
    deps.logger.error({ err, path: '/survey/…' }, 'unexpected error on the survey page');
    send(res, 500, layout('en', 'Error', '<p>Something went wrong. Please try again later.</p>'));
  };
  router.use(onError);

  return router;
}
