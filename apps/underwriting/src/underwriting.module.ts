import { Platform, ServiceDefinition } from '@g2g/platform';
import { DynamicModule, Module } from '@nestjs/common';

@Module({})
export class UnderwritingModule {
  static register(_platform: Platform): DynamicModule {
    return { module: UnderwritingModule };
  }
}

export const underwritingService: ServiceDefinition = {
  name: 'underwriting',
  schema: 'underwriting',
  defaultPort: 8082,
  migrations: [],
  module: (platform) => UnderwritingModule.register(platform),
};
