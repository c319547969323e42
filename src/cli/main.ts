import { readFile } from 'node:fs/promises';
import { createReadStream, createWriteStream, writeFileSync } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Command, Option } from 'commander';
import { DomainError, isDomainError } from '../core/errors.ts';
import { type Actor, roles, type Role } from '../core/model.ts';
import { captureEpcisDocument, exportEpcisDocument } from '../services/epcis.service.ts';
import { generateSerials, MAX_GENERATE } from '../services/generation.service.ts';
import { importOrdersCsv, importProductsCsv, importReceiptsCsv } from '../services/imports.service.ts';
import { MAX_LABELS, renderLabelSheet, type Symbology, symbologies } from '../services/labels.service.ts';
import { getProduct } from '../services/products.service.ts';
import { parseGs1Scan } from '../services/scans.service.ts';
import { serialReportCsv, serialReportCsvHeader } from '../services/reports.service.ts';
import { createApiKey, createTenant, getTenants, requireTenant } from '../services/tenants.service.ts';
import { createUser, disableUser } from '../services/users.service.ts';
import { readPassword } from './password.ts';
import { progressReporter } from './progress.ts';
import { openRuntime, type Runtime } from './runtime.ts';
import { serve } from './serve.ts';

type Global = { dataDir?: string };

const program = new Command()
  .name('unitrace')
  .description('Serial-number tracking for e-commerce fulfillment')
  .option('--data-dir <dir>', 'embedded database folder (env UNITRACE_DATA_DIR; default ./.unitrace); DATABASE_URL overrides it')
  .showHelpAfterError();

/** Runs a command against the database and always closes it, mapping domain errors to exit code 1. */
async function withRuntime(fn: (rt: Runtime) => Promise<void>): Promise<void> {
  const rt = await openRuntime(program.opts<Global>());
  try {
    await fn(rt);
  } finally {
    await rt.shutdown();
  }
}

function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** The tenant a command acts for: --tenant, or the only tenant there is. */
async function cliActor(rt: Runtime, tenant: string | undefined): Promise<Actor> {
  if (tenant) {
    await requireTenant(rt.db, tenant);
    return { tenantId: tenant, id: 'cli', role: 'admin' };
  }
  const tenants = await getTenants(rt.db);
  if (tenants.length === 1) return { tenantId: tenants[0].id, id: 'cli', role: 'admin' };
  throw new Error(
    tenants.length === 0
      ? 'no tenant yet: run `unitrace tenants create --name NAME` first'
      : '--tenant ID is required when there is more than one tenant (see `unitrace tenants list`)',
  );
}

program
  .command('serve')
  .description('run the API server (and web app) on the embedded PostgreSQL or DATABASE_URL')
  .addOption(new Option('--port <n>', 'port to listen on (env PORT; default 3000)').argParser((v) => Number(v)))
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--demo', 'load sample products and orders so every feature can be tried at once')
  .option(
    '--trust-proxy <addresses>',
    "behind a reverse proxy: the proxy's addresses or CIDR ranges, comma-separated, whose X-Forwarded-For names the client (env UNITRACE_TRUST_PROXY)",
  )
  .action(async (opts: { port?: number; host: string; demo?: boolean; trustProxy?: string }) => {
    await serve({
      ...program.opts<Global>(),
      port: opts.port ?? Number(process.env.PORT ?? 3000),
      host: opts.host,
      demo: !!opts.demo,
      trustProxy: opts.trustProxy ?? (process.env.UNITRACE_TRUST_PROXY || undefined),
    });
  });

program
  .command('migrate')
  .description('bring the database schema up to date')
  .action(() => withRuntime(async (rt) => {
    process.stderr.write(`schema is up to date (${rt.where})\n`);
  }));

const tenants = program.command('tenants').description('accounts: each tenant sees only its own data');
tenants
  .command('create')
  .requiredOption('--name <name>', 'tenant name')
  .description('create a tenant and print its first admin API key as JSON')
  .action((opts: { name: string }) => withRuntime(async (rt) => printJson(await createTenant(rt.db, { name: opts.name }))));
tenants
  .command('list')
  .description('list tenants as JSON')
  .action(() => withRuntime(async (rt) => printJson(await getTenants(rt.db))));

program
  .command('keys')
  .description('API keys')
  .command('create')
  .option('--tenant <id>', 'tenant id (default: the only tenant)')
  .addOption(new Option('--role <role>', 'what the key may do').choices([...roles]).makeOptionMandatory())
  .option('--label <text>', 'what the key is for')
  .description('create an API key and print it as JSON (it is shown only once)')
  .action((opts: { tenant?: string; role: Role; label?: string }) =>
    withRuntime(async (rt) => {
      const { tenantId } = await cliActor(rt, opts.tenant);
      const { apiKey } = await createApiKey(rt.db, { tenantId, role: opts.role, label: opts.label });
      printJson({ apiKey });
    }),
  );

const usersCommand = program.command('users').description('people who sign in to the web app');
usersCommand
  .command('disable')
  .option('--tenant <id>', 'tenant id (default: the only tenant)')
  .requiredOption('--email <email>', 'sign-in email')
  .description('disable a user: they can no longer sign in, and their sessions end')
  .action((opts: { tenant?: string; email: string }) =>
    withRuntime(async (rt) => {
      const actor = await cliActor(rt, opts.tenant);
      printJson(await disableUser(rt.db, actor, opts.email));
    }),
  );
usersCommand
  .command('create')
  .option('--tenant <id>', 'tenant id (default: the only tenant)')
  .requiredOption('--email <email>', 'sign-in email')
  .addOption(new Option('--role <role>', 'what the user may do').choices([...roles]).makeOptionMandatory())
  .description('create a user; the password is asked for on a terminal, or read from the first line of stdin')
  .action((opts: { tenant?: string; email: string; role: Role }) =>
    withRuntime(async (rt) => {
      const { tenantId } = await cliActor(rt, opts.tenant);
      const password = await readPassword();
      printJson(await createUser(rt.db, { tenantId, email: opts.email, password, role: opts.role }));
    }),
  );

program
  .command('scan')
  .description('GS1 barcodes')
  .command('parse <data>')
  .option('--fnc1 <text>', 'text the scanner sends for FNC1 instead of the GS character, e.g. ^')
  .description('parse a GS1 element string, human-readable string or Digital Link and print its elements as JSON')
  .action((data: string, opts: { fnc1?: string }) => {
    printJson(parseGs1Scan(data, { fnc1Substitute: opts.fnc1 }));
  });

const importCommand = program.command('import').description('import CSV files and EPCIS documents');
const importDescriptions = {
  products: 'import products from a CSV file (sku,name,gtin,needsSerialNumber,serialFormat)',
  orders: 'import orders from a CSV file, one row per order line',
  receipts: 'receive units into stock from a CSV file (reference,sku,serial[,noticeReference]), one row per unit; rows with one reference make one receipt',
};
for (const kind of ['products', 'orders', 'receipts'] as const) {
  importCommand
    .command(`${kind} <file>`)
    .option('--tenant <id>', 'tenant id (default: the only tenant)')
    .option('--skip-bad-rows', 'import the good rows and report the bad ones (default: one bad row imports nothing)')
    .option('--dry-run', 'check the file and report, import nothing')
    .description(importDescriptions[kind])
    .action((file: string, opts: { tenant?: string; skipBadRows?: boolean; dryRun?: boolean }) =>
      withRuntime(async (rt) => {
        const actor = await cliActor(rt, opts.tenant);
        const progress = progressReporter(`import ${kind}`);
        const run = { products: importProductsCsv, orders: importOrdersCsv, receipts: importReceiptsCsv }[kind];
        const result = await run(rt.db, actor, createReadStream(file), {
          skipBadRows: opts.skipBadRows,
          dryRun: opts.dryRun,
          onProgress: (rows) => progress.update(rows),
        });
        progress.done(result.rows);
        printJson(result);
      }),
    );
}

importCommand
  .command('epcis <file>')
  .option('--tenant <id>', 'tenant id (default: the only tenant)')
  .description("register the serials a supplier's EPCIS 2.0 JSON(-LD) document announces; prints what was registered and what could not be mapped")
  .action((file: string, opts: { tenant?: string }) =>
    withRuntime(async (rt) => {
      const actor = await cliActor(rt, opts.tenant);
      let document: unknown;
      try {
        document = JSON.parse(await readFile(file, 'utf8'));
      } catch (error) {
        throw new DomainError('VALIDATION_FAILED', `file: ${file} is not a JSON document (${(error as Error).message})`);
      }
      printJson(await captureEpcisDocument(rt.db, actor, document));
    }),
  );

const exportCommand = program.command('export').description('export data');

exportCommand
  .command('epcis')
  .description('write the history of serialized units as an EPCIS 2.0 JSON-LD document to stdout (or --output FILE)')
  .option('--tenant <id>', 'tenant id (default: the only tenant)')
  .option('--from <date>', 'first UTC day (2026-11-01) or ISO timestamp')
  .option('--to <date>', 'last UTC day (inclusive) or ISO timestamp')
  .option('--sku <sku>')
  .option('--serial <serial>')
  .option('--output <file>', 'write to this file instead of stdout')
  .action((opts: { tenant?: string; from?: string; to?: string; sku?: string; serial?: string; output?: string }) =>
    withRuntime(async (rt) => {
      const actor = await cliActor(rt, opts.tenant);
      const progress = progressReporter('export epcis');
      let events = 0;
      const document = exportEpcisDocument(rt.db, actor, opts, {
        onProgress: (n) => {
          events = n;
          progress.update(n);
        },
      });
      const out = opts.output ? createWriteStream(opts.output) : process.stdout;
      await pipeline(document, out, { end: !!opts.output });
      progress.done(events);
    }),
  );

exportCommand
  .command('serial-report')
  .description('write the Serial Number Report as CSV to stdout (or --output FILE)')
  .option('--tenant <id>', 'tenant id (default: the only tenant)')
  .option('--shipped-from <date>', 'first UTC day (2026-11-01) or ISO timestamp')
  .option('--shipped-to <date>', 'last UTC day (inclusive) or ISO timestamp')
  .option('--sku <sku>')
  .option('--order-number <n>')
  .option('--customer <text>', 'part of the customer name, email or company')
  .option('--serials <list>', 'only these serials and ranges: "SN0998-SN1002, SN2001" (ranges by the number a serial ends with)')
  .option('--output <file>', 'write to this file instead of stdout')
  .action(
    (opts: {
      tenant?: string;
      shippedFrom?: string;
      shippedTo?: string;
      sku?: string;
      orderNumber?: string;
      customer?: string;
      serials?: string;
      output?: string;
    }) =>
      withRuntime(async (rt) => {
        const actor = await cliActor(rt, opts.tenant);
        const progress = progressReporter('export serial-report');
        let rows = 0;
        const counter = new Transform({
          transform(chunk: Buffer, _enc, done) {
            for (const byte of chunk) if (byte === 10) rows += 1;
            progress.update(rows);
            done(null, chunk);
          },
        });
        const stream = await serialReportCsv(rt.pool, actor, opts);
        const out = opts.output ? createWriteStream(opts.output) : process.stdout;
        out.write(serialReportCsvHeader);
        await pipeline(stream, counter, out, { end: !!opts.output });
        progress.done(rows);
      }),
  );

program
  .command('generate')
  .description('generate data')
  .command('serials')
  .description("generate serials from the SKU's serial format, register them as in-stock units, and print them one per line")
  .requiredOption('--sku <sku>', 'product SKU; it needs a serialFormat')
  .requiredOption('--count <n>', `how many, 1 to ${MAX_GENERATE}`, (v) => Number(v))
  .option('--random', 'unguessable random serials instead of the next ones in sequence')
  .option('--year <yyyy>', 'fills {YYYY} and {YY} in the format (default: the current UTC year)', (v) => Number(v))
  .option('--tenant <id>', 'tenant id (default: the only tenant)')
  .option('--output <file>', 'write the serials to this file instead of stdout')
  .option('--labels <file.svg>', `also write an SVG sheet of barcode labels for them (at most ${MAX_LABELS})`)
  .addOption(new Option('--symbology <name>', 'barcode on the labels').choices([...symbologies]).default('code128'))
  .action(
    (opts: { sku: string; count: number; random?: boolean; year?: number; tenant?: string; output?: string; labels?: string; symbology: Symbology }) =>
      withRuntime(async (rt) => {
        const actor = await cliActor(rt, opts.tenant);
        if (opts.labels) {
          // Refuse what the label sheet cannot take before any serial is registered.
          if (opts.count > MAX_LABELS) {
            throw new DomainError('VALIDATION_FAILED', `--labels: a sheet holds at most ${MAX_LABELS} labels; generate fewer or leave out --labels`);
          }
          const product = await getProduct(rt.db, actor, opts.sku);
          if (opts.symbology !== 'code128' && !product.gtin) {
            throw new DomainError('GTIN_MISSING', `gtin: SKU ${product.sku} has no GTIN for ${opts.symbology} labels; set it or use --symbology code128`);
          }
        }
        const progress = progressReporter('generate serials');
        const result = await generateSerials(
          rt.db,
          actor,
          { sku: opts.sku, count: opts.count, mode: opts.random ? 'random' : 'sequence', year: opts.year },
          { onProgress: (n) => progress.update(n) },
        );
        progress.done(result.count);
        const text = `${result.serials.join('\n')}\n`;
        if (opts.output) writeFileSync(opts.output, text);
        else process.stdout.write(text);
        process.stderr.write(
          `generated ${result.count} ${result.mode} serials for ${result.sku}: ${result.first} .. ${result.last} (batch ${result.batch}${result.skipped ? `; ${result.skipped} already registered were replaced` : ''})\n`,
        );
        if (opts.labels) {
          const sheet = await renderLabelSheet(rt.db, actor, result.sku, { serials: result.serials, symbology: opts.symbology });
          writeFileSync(opts.labels, sheet.svg);
          process.stderr.write(`labels: ${sheet.labels} on ${sheet.pages} page(s) in ${opts.labels}\n`);
        }
      }),
  );

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (isDomainError(error)) {
    process.stderr.write(`error ${error.code}: ${error.message}\n`);
    if (error.details) process.stderr.write(`${JSON.stringify(error.details, null, 2)}\n`);
  } else {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
}
