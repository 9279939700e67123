import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { PlatformMetrics } from './platform-metrics';

@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: PlatformMetrics) {}

  /** Prometheus text format: this process's counters and histograms, and the gauges read now. */
  @Get()
  async scrape(@Res() res: Response): Promise<void> {
    const text = await this.metrics.registry.metrics();
    res.status(200).type(this.metrics.registry.contentType).send(text);
  }
}
