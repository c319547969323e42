/**
 * Our table of GS1 Application Identifiers (AIs), written for Unitrace in a compact notation of our own.
 * The facts (formats, pairing rules, Digital Link roles, short titles) follow the GS1 General
 * Specifications; ai-table.test.ts checks every row against GS1's Barcode Syntax Dictionary when
 * ../shared/standards is present. Nothing here is read from a file at runtime.
 *
 * One row per AI or AI range: [ais, flags, format, rules, title]
 *   ais     '01', or an inclusive range '3100-3105' whose members share the row.
 *   flags   'f': predefined length, no FNC1 separator needed after it; 'a': allowed as a GS1 Digital
 *           Link query attribute. '' for neither.
 *   format  space-separated components, each <charset><length>[?][{linter,...}]
 *           charset N digits, X CSET 82, Y CSET 39, Z base64url; length '14' is fixed, '1-20' a
 *           range (only the last component varies); '?' marks an optional component (only
 *           optional ones may follow it); linters name extra content checks (see linters.ts).
 *   rules   '; '-separated clauses:
 *           'req A|B+C'  one of the alternatives must be present in the same scan ('+' = all of);
 *                        each req clause must hold on its own
 *           'not A|B'    must not appear together with any of these
 *           'key'        GS1 Digital Link primary key; 'key 22>10>21|235' lists the qualifier
 *                        sequences allowed after it in the URI path, in order, each one optional
 *           patterns may end in 'n' wildcards: '31nn' is any four-digit AI starting 31.
 *   title   GS1's short data title.
 */
import { LINTERS, type Linter, type LinterName } from './linters.ts';

export type CharSet = 'N' | 'X' | 'Y' | 'Z';

export type AiComponent = {
  readonly cset: CharSet;
  readonly min: number;
  readonly max: number;
  readonly optional: boolean;
  readonly linters: readonly LinterName[];
  /** The linter functions, resolved once. */
  readonly checks: readonly Linter[];
};

export type AiDefinition = {
  readonly ai: string;
  readonly title: string;
  /** Predefined length: the value has a fixed length and needs no FNC1 separator after it. */
  readonly predefinedLength: boolean;
  /** A variable-length (or not predefined) value, ended by FNC1/GS unless it is last. */
  readonly fnc1Required: boolean;
  /** May be carried as a Digital Link query attribute (?17=270101). */
  readonly dlAttribute: boolean;
  readonly components: readonly AiComponent[];
  readonly minLength: number;
  readonly maxLength: number;
  /** Each group must be satisfied; a group is a list of alternatives; an alternative lists patterns that must all be present. */
  readonly requires: readonly (readonly (readonly string[])[])[];
  readonly excludes: readonly string[];
  /** null unless this AI is a Digital Link primary key; then the allowed qualifier sequences ([] when none). */
  readonly dlQualifiers: readonly (readonly string[])[] | null;
};

type Row = readonly [ais: string, flags: string, format: string, rules: string, title: string];

// prettier-ignore
const ROWS: readonly Row[] = [
  ['00', 'fa', 'N18{csum,gcppos2}', 'key', 'SSCC'],
  ['01', 'fa', 'N14{csum,gcppos2}', 'not 255|37; key 22>10>21|235', 'GTIN'],
  ['02', 'fa', 'N14{csum,gcppos2}', 'not 01|03; req 37', 'CONTENT'],
  ['03', 'f', 'N14{csum,gcppos2}', 'not 01|02|37', 'MTO GTIN'],
  ['10', 'a', 'X1-20', 'req 01|02|03|8006|8026', 'BATCH/LOT'],
  ['11', 'fa', 'N6{yymmd0}', 'req 01|02|03|8006|8026', 'PROD DATE'],
  ['12', 'fa', 'N6{yymmd0}', 'req 8020', 'DUE DATE'],
  ['13', 'fa', 'N6{yymmd0}', 'req 01|02|03|8006|8026', 'PACK DATE'],
  ['15', 'fa', 'N6{yymmd0}', 'req 01|02|03|8006|8026', 'BEST BEFORE or BEST BY'],
  ['16', 'fa', 'N6{yymmd0}', 'req 01|02|03|8006|8026', 'SELL BY'],
  ['17', 'fa', 'N6{yymmd0}', 'req 01|02|03|255|8006|8026', 'USE BY or EXPIRY'],
  ['20', 'fa', 'N2', 'req 01|02|8006|8026', 'VARIANT'],
  ['21', '', 'X1-20', 'req 01|03|8006; not 235', 'SERIAL'],
  ['22', '', 'X1-20', 'req 01', 'CPV'],
  ['235', '', 'X1-28', 'req 01', 'TPX'],
  ['240', 'a', 'X1-30', 'req 01|02|8006|8026', 'ADDITIONAL ID'],
  ['241', 'a', 'X1-30', 'req 01|02|8006|8026', 'CUST. PART No.'],
  ['242', 'a', 'N1-6', 'req 01|02|8006|8026', 'MTO VARIANT'],
  ['243', 'a', 'X1-20', 'req 01', 'PCN'],
  ['250', 'a', 'X1-30', 'req 01|8006; req 21', 'SECONDARY SERIAL'],
  ['251', 'a', 'X1-30', 'req 01|8006', 'REF. TO SOURCE'],
  ['253', 'a', 'N13{csum,gcppos1} X1-17?', 'key', 'GDTI'],
  ['254', '', 'X1-20', 'req 414', 'GLN EXTENSION COMPONENT'],
  ['255', 'a', 'N13{csum,gcppos1} N1-12?', 'key; not 01|02|415|8006|8020|8026', 'GCN'],
  ['30', 'a', 'N1-8', 'req 01|02', 'VAR. COUNT'],
  ['3100-3105', 'fa', 'N6', 'req 01|02; not 310n', 'NET WEIGHT (kg)'],
  ['3110-3115', 'fa', 'N6', 'req 01|02; not 311n', 'LENGTH (m)'],
  ['3120-3125', 'fa', 'N6', 'req 01|02; not 312n', 'WIDTH (m)'],
  ['3130-3135', 'fa', 'N6', 'req 01|02; not 313n', 'HEIGHT (m)'],
  ['3140-3145', 'fa', 'N6', 'req 01|02; not 314n', 'AREA (m²)'],
  ['3150-3155', 'fa', 'N6', 'req 01|02; not 315n', 'NET VOLUME (l)'],
  ['3160-3165', 'fa', 'N6', 'req 01|02; not 316n', 'NET VOLUME (m³)'],
  ['3200-3205', 'fa', 'N6', 'req 01|02; not 320n', 'NET WEIGHT (lb)'],
  ['3210-3215', 'fa', 'N6', 'req 01|02; not 321n', 'LENGTH (in)'],
  ['3220-3225', 'fa', 'N6', 'req 01|02; not 322n', 'LENGTH (ft)'],
  ['3230-3235', 'fa', 'N6', 'req 01|02; not 323n', 'LENGTH (yd)'],
  ['3240-3245', 'fa', 'N6', 'req 01|02; not 324n', 'WIDTH (in)'],
  ['3250-3255', 'fa', 'N6', 'req 01|02; not 325n', 'WIDTH (ft)'],
  ['3260-3265', 'fa', 'N6', 'req 01|02; not 326n', 'WIDTH (yd)'],
  ['3270-3275', 'fa', 'N6', 'req 01|02; not 327n', 'HEIGHT (in)'],
  ['3280-3285', 'fa', 'N6', 'req 01|02; not 328n', 'HEIGHT (ft)'],
  ['3290-3295', 'fa', 'N6', 'req 01|02; not 329n', 'HEIGHT (yd)'],
  ['3300-3305', 'fa', 'N6', 'req 00|01; not 330n', 'GROSS WEIGHT (kg)'],
  ['3310-3315', 'fa', 'N6', 'req 00|01; not 331n', 'LENGTH (m), log'],
  ['3320-3325', 'fa', 'N6', 'req 00|01; not 332n', 'WIDTH (m), log'],
  ['3330-3335', 'fa', 'N6', 'req 00|01; not 333n', 'HEIGHT (m), log'],
  ['3340-3345', 'fa', 'N6', 'req 00|01; not 334n', 'AREA (m²), log'],
  ['3350-3355', 'fa', 'N6', 'req 00|01; not 335n', 'VOLUME (l), log'],
  ['3360-3365', 'fa', 'N6', 'req 00|01; not 336n', 'VOLUME (m³), log'],
  ['3370-3375', 'fa', 'N6', 'req 01; not 337n', 'KG PER m²'],
  ['3400-3405', 'fa', 'N6', 'req 00|01; not 340n', 'GROSS WEIGHT (lb)'],
  ['3410-3415', 'fa', 'N6', 'req 00|01; not 341n', 'LENGTH (in), log'],
  ['3420-3425', 'fa', 'N6', 'req 00|01; not 342n', 'LENGTH (ft), log'],
  ['3430-3435', 'fa', 'N6', 'req 00|01; not 343n', 'LENGTH (yd), log'],
  ['3440-3445', 'fa', 'N6', 'req 00|01; not 344n', 'WIDTH (in), log'],
  ['3450-3455', 'fa', 'N6', 'req 00|01; not 345n', 'WIDTH (ft), log'],
  ['3460-3465', 'fa', 'N6', 'req 00|01; not 346n', 'WIDTH (yd), log'],
  ['3470-3475', 'fa', 'N6', 'req 00|01; not 347n', 'HEIGHT (in), log'],
  ['3480-3485', 'fa', 'N6', 'req 00|01; not 348n', 'HEIGHT (ft), log'],
  ['3490-3495', 'fa', 'N6', 'req 00|01; not 349n', 'HEIGHT (yd), log'],
  ['3500-3505', 'fa', 'N6', 'req 01|02; not 350n', 'AREA (in²)'],
  ['3510-3515', 'fa', 'N6', 'req 01|02; not 351n', 'AREA (ft²)'],
  ['3520-3525', 'fa', 'N6', 'req 01|02; not 352n', 'AREA (yd²)'],
  ['3530-3535', 'fa', 'N6', 'req 00|01; not 353n', 'AREA (in²), log'],
  ['3540-3545', 'fa', 'N6', 'req 00|01; not 354n', 'AREA (ft²), log'],
  ['3550-3555', 'fa', 'N6', 'req 00|01; not 355n', 'AREA (yd²), log'],
  ['3560-3565', 'fa', 'N6', 'req 01|02; not 356n', 'NET WEIGHT (tr oz)'],
  ['3570-3575', 'fa', 'N6', 'req 01|02; not 357n', 'NET VOLUME (oz)'],
  ['3600-3605', 'fa', 'N6', 'req 01|02; not 360n', 'NET VOLUME (qt (US))'],
  ['3610-3615', 'fa', 'N6', 'req 01|02; not 361n', 'NET VOLUME (gal.)'],
  ['3620-3625', 'fa', 'N6', 'req 00|01; not 362n', 'VOLUME (qt (US)), log'],
  ['3630-3635', 'fa', 'N6', 'req 00|01; not 363n', 'VOLUME (gal (US)), log'],
  ['3640-3645', 'fa', 'N6', 'req 01|02; not 364n', 'NET VOLUME (in³)'],
  ['3650-3655', 'fa', 'N6', 'req 01|02; not 365n', 'NET VOLUME (ft³)'],
  ['3660-3665', 'fa', 'N6', 'req 01|02; not 366n', 'NET VOLUME (yd³)'],
  ['3670-3675', 'fa', 'N6', 'req 00|01; not 367n', 'VOLUME (in³), log'],
  ['3680-3685', 'fa', 'N6', 'req 00|01; not 368n', 'VOLUME (ft³), log'],
  ['3690-3695', 'fa', 'N6', 'req 00|01; not 369n', 'VOLUME (yd³), log'],
  ['37', 'a', 'N1-8', 'req 00; req 02|8026', 'COUNT'],
  ['3900-3909', 'a', 'N1-15', 'req 255|8020; not 390n|391n|394n|8111', 'AMOUNT'],
  ['3910-3919', 'a', 'N3{iso4217} N1-15', 'req 8020; not 391n', 'AMOUNT'],
  ['3920-3929', 'a', 'N1-15', 'req 01; req 30|31nn|32nn|35nn|36nn; not 392n|393n', 'PRICE'],
  ['3930-3939', 'a', 'N3{iso4217} N1-15', 'req 30|31nn|32nn|35nn|36nn; not 393n', 'PRICE'],
  ['3940-3943', 'a', 'N4', 'req 255; not 394n|8111', 'PRCNT OFF'],
  ['3950-3955', 'a', 'N6', 'req 30|31nn|32nn|35nn|36nn; not 392n|393n|395n|8005', 'PRICE/UoM'],
  ['400', 'a', 'X1-30', '', 'ORDER NUMBER'],
  ['401', 'a', 'X1-30{gcppos1}', 'key', 'GINC'],
  ['402', 'a', 'N17{csum,gcppos1}', 'key', 'GSIN'],
  ['403', 'a', 'X1-30', 'req 00', 'ROUTE'],
  ['410', 'fa', 'N13{csum,gcppos1}', '', 'SHIP TO LOC'],
  ['411', 'fa', 'N13{csum,gcppos1}', '', 'BILL TO'],
  ['412', 'fa', 'N13{csum,gcppos1}', '', 'PURCHASE FROM'],
  ['413', 'fa', 'N13{csum,gcppos1}', '', 'SHIP FOR LOC'],
  ['414', 'fa', 'N13{csum,gcppos1}', 'key 254|7040', 'LOC No.'],
  ['415', 'fa', 'N13{csum,gcppos1}', 'req 8020; key 8020', 'PAY TO'],
  ['416', 'fa', 'N13{csum,gcppos1}', '', 'PROD/SERV LOC'],
  ['417', 'fa', 'N13{csum,gcppos1}', 'key 7040', 'PARTY'],
  ['420', 'a', 'X1-20', 'not 421', 'SHIP TO POST'],
  ['421', 'a', 'N3{iso3166} X1-9', 'not 4307', 'SHIP TO POST'],
  ['422', 'a', 'N3{iso3166}', 'req 01|02|8006|8026; not 426', 'ORIGIN'],
  ['423', 'a', 'N3{iso3166} N3?{iso3166} N3?{iso3166} N3?{iso3166} N3?{iso3166}', 'req 01|02; not 426', 'COUNTRY - INITIAL PROCESS'],
  ['424', 'a', 'N3{iso3166}', 'req 01|02; not 426', 'COUNTRY - PROCESS'],
  ['425', 'a', 'N3{iso3166} N3?{iso3166} N3?{iso3166} N3?{iso3166} N3?{iso3166}', 'req 01|02; not 426', 'COUNTRY - DISASSEMBLY'],
  ['426', 'a', 'N3{iso3166}', 'req 01|02', 'COUNTRY - FULL PROCESS'],
  ['427', 'a', 'X1-3', 'req 01|02; req 422', 'ORIGIN SUBDIVISION'],
  ['4300', 'a', 'X1-35{pcenc}', 'req 00', 'SHIP TO COMP'],
  ['4301', 'a', 'X1-35{pcenc}', 'req 00', 'SHIP TO NAME'],
  ['4302', 'a', 'X1-70{pcenc}', 'req 00', 'SHIP TO ADD1'],
  ['4303', 'a', 'X1-70{pcenc}', 'req 4302', 'SHIP TO ADD2'],
  ['4304', 'a', 'X1-70{pcenc}', 'req 00', 'SHIP TO SUB'],
  ['4305', 'a', 'X1-70{pcenc}', 'req 00', 'SHIP TO LOC'],
  ['4306', 'a', 'X1-70{pcenc}', 'req 00', 'SHIP TO REG'],
  ['4307', 'a', 'X2{iso3166alpha2}', 'req 00', 'SHIP TO COUNTRY'],
  ['4308', 'a', 'X1-30', 'req 00', 'SHIP TO PHONE'],
  ['4309', 'a', 'N10{latitude} N10{longitude}', 'req 00', 'SHIP TO GEO'],
  ['4310', 'a', 'X1-35{pcenc}', 'req 00', 'RTN TO COMP'],
  ['4311', 'a', 'X1-35{pcenc}', 'req 00', 'RTN TO NAME'],
  ['4312', 'a', 'X1-70{pcenc}', 'req 00', 'RTN TO ADD1'],
  ['4313', 'a', 'X1-70{pcenc}', 'req 4312', 'RTN TO ADD2'],
  ['4314', 'a', 'X1-70{pcenc}', 'req 00', 'RTN TO SUB'],
  ['4315', 'a', 'X1-70{pcenc}', 'req 00', 'RTN TO LOC'],
  ['4316', 'a', 'X1-70{pcenc}', 'req 00', 'RTN TO REG'],
  ['4317', 'a', 'X2{iso3166alpha2}', 'req 00', 'RTN TO COUNTRY'],
  ['4318', 'a', 'X1-20', 'req 00', 'RTN TO POST'],
  ['4319', 'a', 'X1-30', 'req 00', 'RTN TO PHONE'],
  ['4320', 'a', 'X1-35{pcenc}', 'req 00', 'SRV DESCRIPTION'],
  ['4321', 'a', 'N1{yesno}', 'req 00', 'DANGEROUS GOODS'],
  ['4322', 'a', 'N1{yesno}', 'req 00', 'AUTH TO LEAVE'],
  ['4323', 'a', 'N1{yesno}', 'req 00', 'SIG REQUIRED'],
  ['4324', 'a', 'N6{yymmd0} N4{hhmi}', 'req 00', 'NOT BEF DEL DT'],
  ['4325', 'a', 'N6{yymmd0} N4{hhmi}', 'req 00', 'NOT AFT DEL DT'],
  ['4326', 'a', 'N6{yymmdd}', 'req 00', 'REL DATE'],
  ['4330', 'a', 'N6 X1?{hyphen}', 'req 00; not 4331', 'MAX TEMP F.'],
  ['4331', 'a', 'N6 X1?{hyphen}', 'req 00; not 4330', 'MAX TEMP C.'],
  ['4332', 'a', 'N6 X1?{hyphen}', 'req 00; not 4333', 'MIN TEMP F.'],
  ['4333', 'a', 'N6 X1?{hyphen}', 'req 00; not 4332', 'MIN TEMP C.'],
  ['7001', 'a', 'N13', 'req 01|02|8006|8026', 'NSN'],
  ['7002', 'a', 'X1-30', 'req 01|02', 'MEAT CUT'],
  ['7003', 'a', 'N6{yymmdd} N4{hhmi}', 'req 01|02', 'EXPIRY TIME'],
  ['7004', 'a', 'N1-4', 'req 01+10', 'ACTIVE POTENCY'],
  ['7005', 'a', 'X1-12', 'req 01|02', 'CATCH AREA'],
  ['7006', 'a', 'N6{yymmdd}', 'req 01|02', 'FIRST FREEZE DATE'],
  ['7007', 'a', 'N6{yymmdd} N6?{yymmdd}', 'req 01|02', 'HARVEST DATE'],
  ['7008', 'a', 'X1-3', 'req 01|02', 'AQUATIC SPECIES'],
  ['7009', 'a', 'X1-10', 'req 01|02', 'FISHING GEAR TYPE'],
  ['7010', 'a', 'X1-2', 'req 01|02', 'PROD METHOD'],
  ['7011', 'a', 'N6{yymmdd} N4?{hhmi}', 'req 01|02', 'TEST BY DATE'],
  ['7020', 'a', 'X1-20', 'req 01|8006; req 416', 'REFURB LOT'],
  ['7021', 'a', 'X1-20', 'req 01|8006', 'FUNC STAT'],
  ['7022', 'a', 'X1-20', 'req 7021', 'REV STAT'],
  ['7023', 'a', 'X1-30{gcppos1}', '', 'GIAI - ASSEMBLY'],
  ['7030', 'a', 'N3{iso3166999} X1-27', 'req 01|02', 'PROCESSOR # 0'],
  ['7031', 'a', 'N3{iso3166999} X1-27', 'req 01|02', 'PROCESSOR # 1'],
  ['7032', 'a', 'N3{iso3166999} X1-27', 'req 01|02', 'PROCESSOR # 2'],
  ['7033', 'a', 'N3{iso3166999} X1-27', 'req 01|02', 'PROCESSOR # 3'],
  ['7034', 'a', 'N3{iso3166999} X1-27', 'req 01|02', 'PROCESSOR # 4'],
  ['7035', 'a', 'N3{iso3166999} X1-27', 'req 01|02', 'PROCESSOR # 5'],
  ['7036', 'a', 'N3{iso3166999} X1-27', 'req 01|02', 'PROCESSOR # 6'],
  ['7037', 'a', 'N3{iso3166999} X1-27', 'req 01|02', 'PROCESSOR # 7'],
  ['7038', 'a', 'N3{iso3166999} X1-27', 'req 01|02', 'PROCESSOR # 8'],
  ['7039', 'a', 'N3{iso3166999} X1-27', 'req 01|02', 'PROCESSOR # 9'],
  ['7040', '', 'N1 X1 X1 X1{importeridx}', '', 'UIC+EXT'],
  ['7041', '', 'X1-4{packagetype}', 'req 00', 'UFRGT UNIT TYPE'],
  ['710', 'a', 'X1-20', 'req 01', 'NHRN PZN'],
  ['711', 'a', 'X1-20', 'req 01', 'NHRN CIP'],
  ['712', 'a', 'X1-20', 'req 01', 'NHRN CN'],
  ['713', 'a', 'X1-20', 'req 01', 'NHRN DRN'],
  ['714', 'a', 'X1-20', 'req 01', 'NHRN AIM'],
  ['715', 'a', 'X1-20', 'req 01', 'NHRN NDC'],
  ['716', 'a', 'X1-20', 'req 01', 'NHRN AIC'],
  ['717', 'a', 'X1-20', 'req 01', 'NHRN SRN'],
  ['7230', 'a', 'X2 X1-28', 'req 01|8004', 'CERT # 1'],
  ['7231', 'a', 'X2 X1-28', 'req 01|8004', 'CERT # 2'],
  ['7232', 'a', 'X2 X1-28', 'req 01|8004', 'CERT # 3'],
  ['7233', 'a', 'X2 X1-28', 'req 01|8004', 'CERT # 4'],
  ['7234', 'a', 'X2 X1-28', 'req 01|8004', 'CERT # 5'],
  ['7235', 'a', 'X2 X1-28', 'req 01|8004', 'CERT # 6'],
  ['7236', 'a', 'X2 X1-28', 'req 01|8004', 'CERT # 7'],
  ['7237', 'a', 'X2 X1-28', 'req 01|8004', 'CERT # 8'],
  ['7238', 'a', 'X2 X1-28', 'req 01|8004', 'CERT # 9'],
  ['7239', 'a', 'X2 X1-28', 'req 01|8004', 'CERT # 10'],
  ['7240', 'a', 'X1-20', 'req 01|8006', 'PROTOCOL'],
  ['7241', 'a', 'N2{mediatype}', 'req 8017|8018', 'AIDC MEDIA TYPE'],
  ['7242', 'a', 'X1-25', 'req 8017|8018', 'VCN'],
  ['7250', 'a', 'N8{yyyymmdd}', 'req 8018; not 7251', 'DOB'],
  ['7251', 'a', 'N8{yyyymmdd} N4{hhmi}', 'req 8018; not 7250', 'DOB TIME'],
  ['7252', 'a', 'N1{iso5218}', 'req 8018', 'BIO SEX'],
  ['7253', 'a', 'X1-40{pcenc}', 'req 8017|8018; not 7256|7259', 'FAMILY NAME'],
  ['7254', 'a', 'X1-40{pcenc}', 'req 8017|8018; not 7256|7259', 'GIVEN NAME'],
  ['7255', 'a', 'X1-10', 'req 8017|8018; not 7256|7259', 'SUFFIX'],
  ['7256', 'a', 'X1-90{pcenc}', 'req 8017|8018', 'FULL NAME'],
  ['7257', 'a', 'X1-70{pcenc}', 'req 8018', 'PERSON ADDR'],
  ['7258', 'a', 'X3{posinseqslash}', 'req 8018+7259', 'BIRTH SEQUENCE'],
  ['7259', 'a', 'X1-40{pcenc}', 'req 8018; not 7256', 'BABY'],
  ['8001', 'a', 'N4{nonzero} N5{nonzero} N3{nonzero} N1{winding} N1', 'req 01', 'DIMENSIONS'],
  ['8002', 'a', 'X1-20', '', 'CMT No.'],
  ['8003', 'a', 'N1{zero} N13{csum,gcppos1} X1-16?', 'key', 'GRAI'],
  ['8004', 'a', 'X1-30{gcppos1}', 'key 7040', 'GIAI'],
  ['8005', 'a', 'N6', 'req 01|02', 'PRICE PER UNIT'],
  ['8006', 'a', 'N14{csum,gcppos2} N4{pieceoftotal}', 'not 01|37; key 22>10>21', 'ITIP'],
  ['8007', 'a', 'X1-34{iban}', 'req 415', 'IBAN'],
  ['8008', 'a', 'N6{yymmdd} N2{hh} N2?{mi} N2?{ss}', 'req 01|02', 'PROD TIME'],
  ['8009', 'a', 'X1-50', 'req 00|01', 'OPTSEN'],
  ['8010', 'a', 'Y1-30{gcppos1}', 'key 8011', 'CPID'],
  ['8011', '', 'N1-12{nozeroprefix}', 'req 8010', 'CPID SERIAL'],
  ['8012', 'a', 'X1-20', 'req 01|8006', 'VERSION'],
  ['8013', 'a', 'X1-25{csumalpha,gcppos1}', 'key', 'GMN'],
  ['8014', '', 'X1-25{csumalpha,gcppos1,hasnondigit}', 'req 01', 'MUDI'],
  ['8017', 'a', 'N18{csum,gcppos1}', 'not 8018; key 8019', 'GSRN - PROVIDER'],
  ['8018', 'a', 'N18{csum,gcppos1}', 'not 8017; key 8019', 'GSRN - RECIPIENT'],
  ['8019', '', 'N1-10', 'req 8017|8018', 'SRIN'],
  ['8020', '', 'X1-25', 'req 415', 'REF No.'],
  ['8026', 'a', 'N14{csum,gcppos2} N4{pieceoftotal}', 'req 37; not 02|8006', 'ITIP CONTENT'],
  ['8030', 'a', 'Z1-90', 'req 00|01+21|253|255|8003|8004|8006+21|8010+8011|8017|8018', 'DIGSIG'],
  ['8040', '', 'N15', 'req 01+21', 'IMEI'],
  ['8041', '', 'N15', 'req 01+21+8040', 'IMEI2'],
  ['8042', '', 'N32', 'req 01+21+8040', 'ESIM'],
  ['8043', '', 'N18 N1-2?', 'req 01+21+8040', 'PSIM'],
  ['8110', 'a', 'X1-70{couponcode}', '', 'COUPON CODE'],
  ['8111', 'a', 'N4', 'req 255', 'POINTS'],
  ['8112', 'a', 'X1-70{couponposoffer}', '', 'PAPERLESS COUPON'],
  ['8200', '', 'X1-70', 'req 01', 'PRODUCT URL'],
  ['90', 'a', 'X1-30', '', 'INTERNAL'],
  ['91-99', 'a', 'X1-90', '', 'INTERNAL'],

];

function compileComponent(token: string, ai: string): AiComponent {
  const brace = token.indexOf('{');
  const head = brace < 0 ? token : token.slice(0, brace);
  const linters = brace < 0 ? [] : (token.slice(brace + 1, -1).split(',') as LinterName[]);
  const optional = head.endsWith('?');
  const lengths = (optional ? head.slice(1, -1) : head.slice(1)).split('-').map(Number);
  const cset = head[0] as CharSet;
  const checks = linters.map((name) => {
    const fn = LINTERS[name];
    if (!fn) throw new Error(`ai-table: unknown linter ${name} for AI ${ai}`);
    return fn;
  });
  const min = lengths[0];
  const max = lengths.length > 1 ? lengths[1] : min;
  return { cset, min, max, optional, linters, checks };
}

function compileRow([ais, flags, format, rules, title]: Row): AiDefinition[] {
  const [first, last = first] = ais.split('-');
  const requires: string[][][] = [];
  const excludes: string[] = [];
  let dlQualifiers: string[][] | null = null;
  for (const clause of rules ? rules.split('; ') : []) {
    const [verb, arg = ''] = clause.split(' ');
    if (verb === 'req') requires.push(arg.split('|').map((alt) => alt.split('+')));
    else if (verb === 'not') excludes.push(...arg.split('|'));
    else if (verb === 'key') dlQualifiers = arg ? arg.split('|').map((seq) => seq.split('>')) : [];
    else throw new Error(`ai-table: bad rule ${clause} for ${ais}`);
  }
  const out: AiDefinition[] = [];
  for (let n = Number(first); n <= Number(last); n += 1) {
    const ai = String(n).padStart(first.length, '0');
    const components = format.split(' ').map((t) => compileComponent(t, ai));
    let minLength = 0;
    let maxLength = 0;
    for (const c of components) {
      if (!c.optional) minLength += c.min;
      maxLength += c.max;
    }
    const predefinedLength = flags.includes('f');
    out.push({
      ai,
      title,
      predefinedLength,
      fnc1Required: !predefinedLength,
      dlAttribute: flags.includes('a'),
      components,
      minLength,
      maxLength,
      requires,
      excludes,
      dlQualifiers,
    });
  }
  return out;
}

/** Every AI we know, expanded from the ranges, in table order. */
export const AI_DEFINITIONS: readonly AiDefinition[] = ROWS.flatMap(compileRow);

const byAi = new Map<string, AiDefinition>();
// Indexed by the AI's numeric value, one array per AI length: a lookup without building a string.
const byLength: (AiDefinition | undefined)[][] = [[], [], new Array(100), new Array(1000), new Array(10000)];
for (const def of AI_DEFINITIONS) {
  byAi.set(def.ai, def);
  byLength[def.ai.length][Number(def.ai)] = def;
}

/** The definition of one AI ('01', '3103'), or undefined when GS1 has not assigned it. */
export function lookupAi(ai: string): AiDefinition | undefined {
  return byAi.get(ai);
}

/**
 * The AI that starts at `pos` in `data`, if any. GS1 AIs are prefix-free (no AI is the start of a
 * longer one), so at most one of the 2-, 3- and 4-digit prefixes matches.
 */
export function aiAt(data: string, pos: number, end: number): AiDefinition | undefined {
  let n = 0;
  for (let len = 1; len <= 4 && pos + len <= end; len += 1) {
    const d = data.charCodeAt(pos + len - 1) - 48;
    if (d < 0 || d > 9) return undefined;
    n = n * 10 + d;
    if (len >= 2) {
      const def = byLength[len][n];
      if (def) return def;
    }
  }
  return undefined;
}

/** True when an AI matches a pattern such as '01', '31nn' or '394n'. */
export function aiMatches(ai: string, pattern: string): boolean {
  if (ai.length !== pattern.length) return false;
  for (let i = 0; i < ai.length; i += 1) {
    const p = pattern.charCodeAt(i);
    if (p !== 110 /* n */ && p !== ai.charCodeAt(i)) return false;
  }
  return true;
}
