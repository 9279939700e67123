import { Database, describeError } from '@g2g/event-store';
import { BadRequestException, ConflictException, Controller, Get, HttpCode, Logger, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Answers } from '../answers';
import { Allow } from '../auth/auth';
import { spool } from '../spool';
import { BackupFileError } from './backup-file';
import { BackupRefused, PLATFORM_SCHEMAS, writeBackup } from './backup';
import { RestorableService, RestoreRefused, restoreBackup } from './restore';

/** What the backup routes of a process work with: its database, its mode, and the services it runs. */
export class BackupSettings {
  constructor(
    readonly db: Database,
    readonly mode: 'embedded' | 'distributed',
    readonly services: readonly RestorableService[],
  ) {}
}

/**
 * `GET /backup` (operator): a consistent backup of every service's log, streamed, while the
 * platform runs; any process answers it (they all write to one database).
 * `POST /restore` (operator): a backup file into this platform, which must be empty; answered by a
 * process that runs every service (the embedded platform): it replays each service's state, which
 * takes the service's own code. A distributed platform is restored with `g2g restore --database`.
 */
@Controller()
export class BackupController {
  constructor(private readonly of: BackupSettings) {}

  @Get('backup')
  @Allow('operator')
  @Answers(409)
  async backup(@Res() res: Response) {
    const { db, mode } = this.of;
    const stamp = new Date().toISOString().slice(0, 19).replaceAll(':', '');
    res.status(200).setHeader('content-type', 'application/gzip');
    res.setHeader('content-disposition', `attachment; filename="g2g-backup-${stamp}.jsonl.gz"`);
    try {
      // the client reads the manifest at the file's end
      await writeBackup(db, res, mode);
    } catch (error) {
      if (!res.headersSent && error instanceof BackupRefused) {
        res.status(409).setHeader('content-type', 'application/json').removeHeader('content-disposition');
        res.end(JSON.stringify({ code: 'BACKUP_REFUSED', message: error.message }));
        return;
      }
      // before the first byte, the platform's error answer (500, logged); after it, cut short: the
      // file then has no manifest, and the client says it failed
      if (!res.headersSent) {
        res.removeHeader('content-disposition');
        throw error;
      }
      new Logger('backup').error(`backup cut short: ${describeError(error)}`);
      res.destroy(error as Error);
    }
  }

  @Post('restore')
  @HttpCode(200)
  @Allow('operator')
  @Answers(400, 409)
  async restore(@Req() req: Request) {
    const { db, services } = this.of;
    if (!PLATFORM_SCHEMAS.every((schema) => services.some((s) => s.schema === schema))) {
      req.resume();
      throw new ConflictException({ code: 'RESTORE_REFUSED', message: `this process runs ${services.map((s) => s.name).join(', ')} only: restore a distributed platform with g2g restore FILE --database URL` });
    }
    const file = await spool(req);
    try {
      return await restoreBackup(db, services, file.path);
    } catch (error) {
      if (error instanceof BackupFileError) throw new BadRequestException({ code: 'BAD_BACKUP', message: error.message });
      if (error instanceof RestoreRefused) throw new ConflictException({ code: 'RESTORE_REFUSED', message: error.message });
      throw error;
    } finally {
      await file.remove();
    }
  }
}
