import type { Role } from '@g2g/platform';
import { Body, Controller, ForbiddenException, Get, HttpCode, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiError } from '../api/api';
import { ConsoleErrors } from '../render/error-pages';
import { html } from '../render/html';
import { Lang, t } from '../render/i18n';
import { homeOf, page } from '../render/layout';
import { SESSION_COOKIE, SESSION_HOURS, cookiesOf, fromSameOrigin, sessionCookie } from './session';
import { ConsoleSettings, SignedInGuard, languageOf, originOf, secureRequest } from './signed-in';

/**
 * Signing in with a participant's API key, through a plain form: the key is checked against the
 * services (`GET /whoami`), then kept only inside the sealed session cookie. It is never put in a
 * URL, a page or a log line.
 */
@Controller('console')
@UseFilters(ConsoleErrors)
export class SignInController {
  constructor(private readonly settings: ConsoleSettings) {}

  @Get()
  start(@Req() req: Request, @Res() res: Response) {
    const session = this.settings.seal.open(cookiesOf(req.headers.cookie)[SESSION_COOKIE], Date.now());
    res.redirect(303, session ? homeOf(session.kind) : '/console/sign-in');
  }

  @Get('sign-in')
  form(@Req() req: Request, @Res() res: Response) {
    send(res, 200, signInPage(languageOf(req, res), req.originalUrl));
  }

  @Post('sign-in')
  @HttpCode(303)
  async signIn(@Body() body: { key?: unknown } | undefined, @Req() req: Request, @Res() res: Response) {
    if (!fromSameOrigin(originOf(req))) throw new ForbiddenException({ code: 'CROSS_SITE', message: 'sign in from the console’s own form' });
    const lang = languageOf(req, res);
    const key = typeof body?.key === 'string' ? body.key.trim() : '';
    let who: { code: string; kind: Role; name: string };
    try {
      if (!key) throw new ApiError(401, 'NO_API_KEY', 'no key');
      who = await this.settings.api.get('reporting', '/whoami', key);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return send(res, 401, signInPage(lang, req.originalUrl, t(lang, 'wrongKey')));
      throw error;
    }
    const token = this.settings.seal.seal({ key, code: who.code, kind: who.kind, name: who.name, expires: Date.now() + SESSION_HOURS * 3_600_000 });
    res.append('set-cookie', sessionCookie(token, secureRequest(req)));
    res.redirect(303, homeOf(who.kind));
  }

  @Post('sign-out')
  @UseGuards(SignedInGuard)
  signOut(@Req() req: Request, @Res() res: Response) {
    res.append('set-cookie', sessionCookie(null, secureRequest(req)));
    res.redirect(303, '/console/sign-in');
  }
}

function signInPage(lang: Lang, url: string, problem?: string) {
  return page(
    { lang, url },
    t(lang, 'signIn'),
    html`${problem ? html`<p class="error" role="alert" id="problem">${problem}</p>` : ''}
<form method="post" action="/console/sign-in" class="sign-in">
<p>${t(lang, 'signInHelp')}</p>
<label for="key">${t(lang, 'apiKey')}</label>
<input id="key" name="key" type="password" autocomplete="current-password" required spellcheck="false"${problem ? html` aria-describedby="problem" aria-invalid="true"` : ''}>
<button type="submit">${t(lang, 'signIn')}</button>
</form>`,
  );
}

export function send(res: Response, status: number, body: { text: string }) {
  res.status(status).setHeader('content-type', 'text/html; charset=utf-8');
  res.send(body.text);
}
