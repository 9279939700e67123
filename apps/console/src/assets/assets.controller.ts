import { Controller, Get, Header } from '@nestjs/common';
import { CONSOLE_CSS, CONSOLE_JS } from './assets';

/** The style sheet and the script of the console's pages. */
@Controller('console/assets')
export class AssetsController {
  @Get('console.css')
  @Header('content-type', 'text/css; charset=utf-8')
  @Header('cache-control', 'public, max-age=300')
  css() {
    return CONSOLE_CSS;
  }

  @Get('console.js')
  @Header('content-type', 'text/javascript; charset=utf-8')
  @Header('cache-control', 'public, max-age=300')
  js() {
    return CONSOLE_JS;
  }
}
