import { Platform, ServiceDefinition } from '@g2g/platform';
import { DynamicModule, Module } from '@nestjs/common';

@Module({})
export class CompensationModule {
  static register(_platform: Platform): DynamicModule {
    return { module: CompensationModule };
  }
}

export const compensationService: ServiceDefinition = {
  name: 'compensation',
  schema: 'compensation',
  defaultPort: 8084,
  migrations: [],
  module: (platform) => CompensationModule.register(platform),
};
