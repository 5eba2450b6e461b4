import { Controller, Get } from '@nestjs/common';
import { WorkspaceService } from './workspace.service.js';

@Controller()
export class WorkspaceController {
  constructor(private readonly ws: WorkspaceService) {}

  /** The workspace's name and settings, for every signed-in user. */
  @Get('workspace')
  workspace() {
    const w = this.ws.current;
    return { name: w.name, baseCurrency: w.baseCurrency, timeZone: w.timeZone, locale: w.locale };
  }
}
