import { Platform, ServiceDefinition } from '@g2g/platform';
import { DynamicModule, Module } from '@nestjs/common';

@Module({})
export class IntakeModule {
  static register(_platform: Platform): DynamicModule {
    return { module: IntakeModule };
  }
}

export const intakeService: ServiceDefinition = {
  name: 'intake',
  schema: 'intake',
  defaultPort: 8081,
  migrations: [],
  module: (platform) => IntakeModule.register(platform),
};
