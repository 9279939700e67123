import { Platform, ServiceDefinition } from '@g2g/platform';
import { DynamicModule, Module } from '@nestjs/common';

@Module({})
export class CessionModule {
  static register(_platform: Platform): DynamicModule {
    return { module: CessionModule };
  }
}

export const cessionService: ServiceDefinition = {
  name: 'cession',
  schema: 'cession',
  defaultPort: 8083,
  migrations: [],
  module: (platform) => CessionModule.register(platform),
};
