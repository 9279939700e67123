import { DynamicModule, MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { Api, ServiceName } from './api/api';
import { AlertsController } from './alerts/alerts.controller';
import { AssetsController } from './assets/assets.controller';
import { BatchesController } from './bank/batches.controller';
import { DashboardController } from './dashboard/dashboard.controller';
import { GuaranteesController } from './drill-down/guarantees.controller';
import { PositionController } from './party/position.controller';
import { RollForwardController } from './roll-forward/roll-forward.controller';
import { SignInController } from './session/sign-in.controller';
import { SessionSeal } from './session/session';
import { ConsoleSettings, SignedInGuard } from './session/signed-in';

export interface ConsoleOptions {
  /** where each service answers: the embedded platform itself, or one address per service */
  urlOf: (service: ServiceName) => string;
  seal: SessionSeal;
}

const CONTROLLERS = [SignInController, AssetsController, DashboardController, GuaranteesController, RollForwardController, PositionController, BatchesController, AlertsController];

/**
 * Every page is its own: scripts, styles, images and forms from the console's origin only, never
 * framed, nothing cached, no referrer sent to another site. The charts' SVG carries style attributes (nothing else
 * inline is allowed).
 */
function securityHeaders(_req: Request, res: Response, next: NextFunction) {
  res.setHeader('content-security-policy', "default-src 'self'; img-src 'self' data:; style-src 'self'; style-src-attr 'unsafe-inline'; script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'");
  res.setHeader('x-content-type-options', 'nosniff');
  // same-origin, not no-referrer: under no-referrer a browser posts forms with Origin: null
  res.setHeader('referrer-policy', 'same-origin');
  res.setHeader('x-frame-options', 'DENY');
  if (!res.getHeader('cache-control')) res.setHeader('cache-control', 'no-store');
  next();
}

/** The console's forms post `application/x-www-form-urlencoded` (the platform's edge reads JSON only). */
const formBodies = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 50 });

/**
 * The web console at /console: pages rendered on the server from the services' public HTTP API,
 * called with the signed-in participant's own key. Runs inside the embedded platform (same port
 * as the API) or as a process of its own in distributed mode (apps/console/src/main.ts).
 */
@Module({})
export class ConsoleModule implements NestModule {
  static register(options: ConsoleOptions): DynamicModule {
    return {
      module: ConsoleModule,
      controllers: CONTROLLERS,
      providers: [{ provide: ConsoleSettings, useValue: new ConsoleSettings(new Api(options.urlOf), options.seal) }, SignedInGuard],
    };
  }

  configure(consumer: MiddlewareConsumer) {
    consumer.apply(securityHeaders).forRoutes(...CONTROLLERS);
    consumer.apply(formBodies).forRoutes({ path: 'console/*path', method: RequestMethod.POST });
  }
}
