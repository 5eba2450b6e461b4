import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { checkFormula, formulaSchema, FUNCTION_NAMES } from '@tabula/formula';
import { User, type CurrentUser } from '../access/current-user.js';
import { AccessService } from '../access/access.service.js';
import { SchemaService } from '../schema/schema.service.js';
import { ComputedService } from './computed.service.js';
import { FormulaPreviewService } from './formula-preview.service.js';
import { RatesService } from './rates.service.js';
import { AdminOnly } from '../access/admin.guard.js';
import { Input } from '../common/input.js';
import { ExchangeRateBody, FormulaCheckBody, FormulaPreviewBody } from './computed.dto.js';

@Controller()
export class ComputedController {
  constructor(
    private readonly schema: SchemaService,
    private readonly rates: RatesService,
    private readonly computed: ComputedService,
    private readonly access: AccessService,
    private readonly previews: FormulaPreviewService,
  ) {}

  /** `{table, expression}` → `{type, currency?, dependencies}` or 422 FORMULA_ERROR with the position. */
  @Post('formula/check')
  @HttpCode(200)
  @AdminOnly() // formulas are designed by administrators; the answer names fields of the table
  async check(@Input(FormulaCheckBody) body: FormulaCheckBody) {
    const table = await this.schema.table(body.table);
    return checkFormula(
      body.expression,
      formulaSchema(table, (id) => this.schema.tableById(id)),
    );
  }

  @Get('formula/functions')
  functions() {
    return { items: FUNCTION_NAMES };
  }

  /** Evaluates an expression on one real record (or none) without saving anything, as the reader sees the data. */
  @Post('formula/preview')
  @HttpCode(200)
  async preview(@User() user: CurrentUser, @Input(FormulaPreviewBody) body: FormulaPreviewBody) {
    return { value: await this.previews.preview(user, body.table, body.expression, body.recordId) };
  }

  @Get('exchange-rates')
  async listRates(@Query() query: Record<string, unknown>) {
    return this.rates.list(query);
  }

  /** A new or corrected rate; the records whose formulas convert currencies are recomputed as a job. */
  @Post('exchange-rates')
  @HttpCode(201)
  @AdminOnly()
  async addRate(@User() user: CurrentUser, @Input(ExchangeRateBody) body: ExchangeRateBody) {
    const rate = await this.rates.add(body, user.id);
    await this.schema.fresh();
    const jobs: string[] = [];
    for (const t of this.computed.tablesUsingRates()) jobs.push(await this.computed.recomputeTable(t, undefined, user.id));
    return { ...rate, jobs };
  }
}
