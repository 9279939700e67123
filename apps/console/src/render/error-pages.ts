import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { ApiError } from '../api/api';
import { sessionCookie } from '../session/session';
import { SignInFirst, SignedIn, languageOf, secureRequest } from '../session/signed-in';
import { html } from './html';
import { Label, t } from './i18n';
import { page } from './layout';

const TITLES: Record<number, Label> = { 400: 'badRequest', 403: 'forbidden', 404: 'notFound' };

/**
 * How the console answers what goes wrong, as pages: no session, or a key the services no longer
 * take (revoked), leads to the sign-in form; what a service refuses (403 for a page this kind of
 * participant may not read, 404, 400) is shown with the service's own code and message and its
 * status; anything else is 500 with an incident id, logged without the request's data.
 */
@Catch()
export class ConsoleErrors implements ExceptionFilter {
  private readonly log = new Logger('console');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const req = host.switchToHttp().getRequest<Request & { signedIn?: SignedIn }>();
    if (res.headersSent) {
      res.end();
      return;
    }
    if (exception instanceof SignInFirst || (exception instanceof ApiError && exception.status === 401)) {
      if (exception instanceof ApiError) res.append('set-cookie', sessionCookie(null, secureRequest(req)));
      res.status(303).setHeader('location', '/console/sign-in');
      res.end();
      return;
    }
    let status = 500;
    let code = 'INTERNAL_ERROR';
    let message = '';
    if (exception instanceof ApiError || exception instanceof HttpException) {
      status = exception instanceof HttpException ? exception.getStatus() : exception.status;
      const body = exception instanceof HttpException ? (exception.getResponse() as { code?: string; message?: string } | string) : { code: exception.code, message: exception.message };
      code = typeof body === 'string' ? `HTTP_${status}` : (body.code ?? `HTTP_${status}`);
      message = typeof body === 'string' ? body : String(body.message ?? '');
    } else {
      const incident = randomUUID();
      this.log.error(`incident ${incident}: ${req.method} ${req.route?.path ?? req.path}: ${exception instanceof Error ? exception.name : 'error'}`);
      message = `incident ${incident}`;
    }
    const lang = req.signedIn?.visitor.lang ?? languageOf(req, res);
    const title = t(lang, TITLES[status] ?? 'failed');
    const visitor = req.signedIn?.visitor ?? { lang, url: req.originalUrl };
    res.status(status).setHeader('content-type', 'text/html; charset=utf-8');
    res.send(page(visitor, title, html`<p class="error" role="alert"><code>${status} ${code}</code> ${message}</p><p><a href="/console">${t(lang, 'backHome')}</a></p>`).text);
  }
}
