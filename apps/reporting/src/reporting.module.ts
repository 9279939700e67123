import { Platform, ServiceDefinition } from '@g2g/platform';
import { DynamicModule, Module } from '@nestjs/common';

@Module({})
export class ReportingModule {
  static register(_platform: Platform): DynamicModule {
    return { module: ReportingModule };
  }
}

export const reportingService: ServiceDefinition = {
  name: 'reporting',
  schema: 'reporting',
  defaultPort: 8085,
  migrations: [],
  module: (platform) => ReportingModule.register(platform),
};
