import { CanActivate, ExecutionContext, ForbiddenException, Injectable, SetMetadata, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { Api } from '../api/api';
import { LANG_COOKIE, langOf } from '../render/i18n';
import { Visitor } from '../render/layout';
import { SESSION_COOKIE, Session, SessionSeal, cookiesOf, fromSameOrigin } from './session';

/** What the console's controllers are given: the services' API and the session seal. */
export class ConsoleSettings {
  constructor(
    readonly api: Api,
    readonly seal: SessionSeal,
  ) {}
}

/** No session (or an expired one): the visitor is sent to the sign-in form. */
export class SignInFirst extends Error {}

/** The signed-in visitor of a request, with the key the console calls the services with. */
export interface SignedIn {
  session: Session;
  visitor: Visitor;
}

export const VisitorOf = createParamDecorator((_: unknown, ctx: ExecutionContext): SignedIn => ctx.switchToHttp().getRequest().signedIn);

export function secureRequest(req: Request): boolean {
  return req.protocol === 'https' || req.headers['x-forwarded-proto'] === 'https';
}

export function originOf(req: Request) {
  return { host: req.headers.host, protocol: secureRequest(req) ? 'https' : 'http', origin: req.headers.origin, secFetchSite: req.headers['sec-fetch-site'] as string | undefined };
}

/** The language of a request; a `?lang=` choice is remembered in a cookie for the console's pages. */
export function languageOf(req: Request, res: Response) {
  const asked = typeof req.query.lang === 'string' ? req.query.lang : undefined;
  const lang = langOf(asked, cookiesOf(req.headers.cookie)[LANG_COOKIE]);
  if (asked !== undefined) res.append('set-cookie', `${LANG_COOKIE}=${lang}; Path=/console; Max-Age=31536000; SameSite=Strict${secureRequest(req) ? '; Secure' : ''}`);
  return lang;
}

const CSRF_IN_FORM_DATA = 'g2g:csrf-in-form-data';
/**
 * A route that takes a multipart form (a file streamed through, never held): its CSRF token is the
 * form's first field, which the route checks (`csrfHolds`) before it reads the file; the guard
 * still checks the origin. Any other route refuses a write without the token in a header or a
 * parsed form field.
 */
export const CsrfInFormData = () => SetMetadata(CSRF_IN_FORM_DATA, true);

/** Whether `given` is the CSRF token of the request's session. */
export function csrfHolds(settings: ConsoleSettings, req: Request, given: string | undefined): boolean {
  return settings.seal.checkCsrf(cookiesOf(req.headers.cookie)[SESSION_COOKIE], given);
}

export const csrfRefused = () => new ForbiddenException({ code: 'CSRF', message: 'this form did not come from a console page of this session' });

/**
 * Every console page but the sign-in form: a valid session cookie, else the sign-in form; and
 * every write (POST, PUT) carries the session's CSRF token (the form field `_csrf` or the header
 * `X-CSRF-Token`) and comes from the console's own origin, else 403.
 */
@Injectable()
export class SignedInGuard implements CanActivate {
  constructor(
    private readonly settings: ConsoleSettings,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request & { signedIn?: SignedIn }>();
    const res = context.switchToHttp().getResponse<Response>();
    const token = cookiesOf(req.headers.cookie)[SESSION_COOKIE];
    const session = this.settings.seal.open(token, Date.now());
    if (!session || !token) throw new SignInFirst();
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      const given = (req.headers['x-csrf-token'] as string | undefined) ?? (req.body as Record<string, unknown> | undefined)?._csrf;
      const checkedByRoute = /^multipart\/form-data/i.test(req.headers['content-type'] ?? '') && this.reflector.get<boolean>(CSRF_IN_FORM_DATA, context.getHandler()) === true;
      if (!fromSameOrigin(originOf(req)) || (!checkedByRoute && !csrfHolds(this.settings, req, typeof given === 'string' ? given : undefined))) throw csrfRefused();
    }
    req.signedIn = {
      session,
      visitor: { code: session.code, kind: session.kind, name: session.name, lang: languageOf(req, res), csrf: this.settings.seal.csrfOf(token), url: req.originalUrl },
    };
    return true;
  }
}
