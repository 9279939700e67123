import { backlogOf, describeError } from '@g2g/event-store';
import { Controller, Get, HttpCode, HttpException, HttpStatus } from '@nestjs/common';
import { Answers } from './answers';
import type { Platform } from './platform';

export class PlatformState {
  private phase: 'starting' | 'started' | 'stopping' = 'starting';
  constructor(
    readonly platform: Platform,
    readonly services: readonly string[],
  ) {}
  markStarted() {
    this.phase = 'started';
  }
  markStopping() {
    this.phase = 'stopping';
  }
  get current() {
    return this.phase;
  }
}

@Controller('health')
export class HealthController {
  constructor(private readonly state: PlatformState) {}

  /** The process is up and answering. */
  @Get('live')
  @HttpCode(200)
  live() {
    return { status: 'up', services: this.state.services };
  }

  /**
   * Ready for work: database reachable, transport consuming and delivering (no message the broker
   * refuses holds the relay up), not stopping. 503 otherwise, with the check that failed.
   */
  @Get('ready')
  @Answers(503)
  async ready() {
    const { db, transport, config } = this.state.platform;
    const checks: Record<string, string> = {};
    try {
      await db.query('select 1');
      checks.database = 'up';
    } catch (error) {
      checks.database = `down: ${describeError(error)}`;
    }
    checks.transport = transport.ready() ? `up (${transport.kind})` : 'down';
    const problems = transport.problems();
    checks.delivery = problems.length === 0 ? 'flowing' : problems.join('; ');
    checks.phase = this.state.current;
    const ok = checks.database === 'up' && transport.ready() && problems.length === 0 && this.state.current === 'started';
    const body = { status: ok ? 'ready' : 'not ready', mode: config.mode, services: this.state.services, checks };
    if (!ok) throw new HttpException(body, HttpStatus.SERVICE_UNAVAILABLE);
    return body;
  }

  /**
   * How far behind every in-database follower of this process is: embedded, every consumer
   * (reading its producers' outbox and log); distributed, the relays to Kafka (Kafka consumers'
   * lag is the broker's to tell); and reporting's projections of its own log. `behind` counts the
   * committed rows after each checkpoint that the follower reads; 0 everywhere: nothing waits here.
   */
  @Get('backlog')
  async backlog() {
    const followers = await backlogOf(this.state.platform.db);
    return { mode: this.state.platform.config.mode, followers, behind: followers.reduce((n, f) => n + f.behind, 0) };
  }
}
