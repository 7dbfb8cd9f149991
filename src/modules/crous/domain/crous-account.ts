import type { DisableReason } from '../../cards/domain/card-state.ts';

/**
 * The rules campuscard follows when it writes a person's CROUS account (RightHolder) and card
 * (SmartCard), from shared/domain/crous-izly.md. Pure: the connector loads the facts, calls these,
 * and sends what they return through the client.
 */

/** `idCompanyRate` of students: the CROUS takes their name, e-mail and birth date from the CVEC. */
export const STUDENT_COMPANY_RATE = 10;
/** Student rate when no rule applies (97 also exists; 98 is the scholarship holder's €1 meal, set by the CROUS). */
export const STUDENT_DEFAULT_RATE = 1;
/** Category and rate of a person no tariff rule matches. */
export const DEFAULT_COMPANY_RATE = 78;
/** Rate 99: no subsidy (also what the staff-leaving file sends). */
export const NO_SUBSIDY_RATE = 99;
/** Status code of students in the CROUS's rules. */
export const STUDENT_STATUS_CODE = 'etd';
/** Dates closer than this are the same date (the CROUS stores them at its own precision and zone). */
export const DATE_TOLERANCE_MS = 5 * 60 * 1000;
/** The CROUS refuses a due date in the past; it never gets one earlier than now plus this. */
export const MIN_DUE_DATE_AHEAD_MS = 3 * 60 * 60 * 1000;

/** Read-only account status the CROUS reports. */
export type CrousAccountStatus = 'NON_CONFIRME' | 'ACTIF' | 'CLOTURE' | 'CLOTURE_EN_COURS';
/** Read-only blocking status the CROUS reports. */
export type CrousBlockingStatus = 'NON_BLOQUE' | 'BLOCAGE_PAR_3_MOTS_DE_PASSE_ERRONNES' | 'MIS_EN_OPPOSITION' | 'COMPTE_GELE';

export const CROUS_ACCOUNT_STATUSES: readonly CrousAccountStatus[] = ['NON_CONFIRME', 'ACTIF', 'CLOTURE', 'CLOTURE_EN_COURS'];
export const CROUS_BLOCKING_STATUSES: readonly CrousBlockingStatus[] = [
  'NON_BLOQUE', 'BLOCAGE_PAR_3_MOTS_DE_PASSE_ERRONNES', 'MIS_EN_OPPOSITION', 'COMPTE_GELE',
];

/**
 * A CROUS account with its dates as instants (the client turns them into the wire's quirky
 * strings). `simpleBirthDate` is `YYYY-MM-DD` or empty; `ine` empty or null when none.
 */
export interface CrousRightHolder {
  identifier: string;
  firstName: string;
  lastName: string;
  email: string;
  dueDate: Date;
  idCompanyRate: number;
  idRate: number;
  simpleBirthDate: string;
  ine: string | null;
  rneOrgCode: string;
  accountStatus?: CrousAccountStatus;
  blockingStatus?: CrousBlockingStatus;
}

/** Where the chosen account identifier came from. */
export type CrousIdentifierSource = 'ine' | 'crous' | 'eppn';

/** Facts the identifier choice needs. */
export interface CrousIdentifierFacts {
  /** The institution's setting: use the INE as the account identifier when the person has one. */
  ineAsIdentifier: boolean;
  ine: string | null | undefined;
  /** The identifier the CROUS already holds for the person (remembered from an earlier sync). */
  crousIdentifier: string | null | undefined;
  eppn: string;
}

const present = (value: string | null | undefined): value is string => value !== null && value !== undefined && value.trim() !== '';

/**
 * The account identifier: the INE if the institution chose it and the person has one, else the
 * identifier the CROUS already holds, else the eppn. Never empty (the eppn always exists).
 */
export function chooseCrousIdentifier(facts: CrousIdentifierFacts): { identifier: string; source: CrousIdentifierSource } {
  if (facts.ineAsIdentifier && present(facts.ine)) return { identifier: facts.ine.trim().toUpperCase(), source: 'ine' };
  if (present(facts.crousIdentifier)) return { identifier: facts.crousIdentifier, source: 'crous' };
  return { identifier: facts.eppn, source: 'eppn' };
}

/** Lower case, accents and surrounding spaces removed: "Éloïse " and "eloise" are one name. */
export function foldName(value: string | null | undefined): string {
  return (value ?? '').normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim();
}

/** True when two instants are within {@link DATE_TOLERANCE_MS} of each other. */
export function sameInstantWithinTolerance(a: Date, b: Date): boolean {
  return Math.abs(a.getTime() - b.getTime()) <= DATE_TOLERANCE_MS;
}

/** Fields that take part in the comparison. */
export type ComparedField =
  | 'identifier' | 'firstName' | 'lastName' | 'email' | 'simpleBirthDate' | 'ine' | 'rneOrgCode' | 'idCompanyRate' | 'idRate' | 'dueDate';

const STUDENT_FIELDS: readonly ComparedField[] = ['identifier', 'ine', 'rneOrgCode', 'idCompanyRate'];
const ALL_FIELDS: readonly ComparedField[] = [
  'identifier', 'firstName', 'lastName', 'email', 'simpleBirthDate', 'ine', 'rneOrgCode', 'idCompanyRate', 'idRate',
];

function fieldDiffers(field: Exclude<ComparedField, 'dueDate'>, wanted: CrousRightHolder, current: CrousRightHolder): boolean {
  switch (field) {
    case 'idCompanyRate':
    case 'idRate':
      return wanted[field] !== current[field];
    default:
      return foldName(wanted[field]) !== foldName(current[field]);
  }
}

/**
 * Fields where `wanted` differs from what the CROUS holds (`current`): text ignoring case and
 * accents, the due date only when `wanted` extends it by more than the tolerance (a due date is
 * never shortened, so an earlier one is no difference). For a student at the CROUS
 * (`idCompanyRate` 10) only identifier, INE, UAI and category count, besides the due date.
 */
export function accountDifferences(wanted: CrousRightHolder, current: CrousRightHolder): ComparedField[] {
  const fields = current.idCompanyRate === STUDENT_COMPANY_RATE ? STUDENT_FIELDS : ALL_FIELDS;
  const differing: ComparedField[] = fields.filter((field) => fieldDiffers(field as Exclude<ComparedField, 'dueDate'>, wanted, current));
  if (wanted.dueDate.getTime() - current.dueDate.getTime() > DATE_TOLERANCE_MS) differing.push('dueDate');
  return differing;
}

/** What to do with a person's account. */
export type AccountPlan =
  | { action: 'create'; body: CrousRightHolder; adjustments: AccountAdjustment[] }
  | {
    action: 'update';
    body: CrousRightHolder;
    /** DELETE /closed-rightholders first: the account is closed (or closing) and has something new to hold. */
    reopenFirst?: true;
    /** PATCH the identifier first when the CROUS holds the account under another one. */
    changeIdentifier?: { currentIdentifier: string; email: string; newIdentifier: string };
    differences: ComparedField[];
    adjustments: AccountAdjustment[];
  }
  | { action: 'none'; reason: 'up_to_date' | 'due_date_passed'; adjustments: AccountAdjustment[] };

/** A rule that changed what campuscard would otherwise have sent (shown in the sync history). */
export type AccountAdjustment =
  | 'student_category_kept'
  | 'crous_rate_kept'
  | 'due_date_kept'
  | 'due_date_raised_to_minimum';

/**
 * Plans the write of one account, state-based (calling it again after the write gives `none`):
 * - no account yet: created, unless its due date has already passed; a due date closer than
 *   three hours is raised to now + 3 h;
 * - an account exists: a student's category (10) is kept whatever campuscard computes, as is the
 *   rate the CROUS set for a student (98 scholarship holder, …); the due date is only extended
 *   (rights ending shorten nothing: the account lapses at its due date) and never sent earlier
 *   than now + 3 h; nothing is written when both due dates have passed or nothing differs;
 * - a closed account with something to write is reopened first (a new enrolment brings it back).
 */
export function planAccountWrite(wanted: CrousRightHolder, current: CrousRightHolder | undefined, now: Date): AccountPlan {
  const minimum = now.getTime() + MIN_DUE_DATE_AHEAD_MS;
  const adjustments: AccountAdjustment[] = [];
  if (current === undefined) {
    if (wanted.dueDate.getTime() <= now.getTime()) return { action: 'none', reason: 'due_date_passed', adjustments };
    let dueDate = wanted.dueDate;
    if (dueDate.getTime() < minimum) {
      dueDate = new Date(minimum);
      adjustments.push('due_date_raised_to_minimum');
    }
    return { action: 'create', body: { ...stripReadOnly(wanted), dueDate }, adjustments };
  }
  const body: CrousRightHolder = stripReadOnly(wanted);
  if (current.idCompanyRate === STUDENT_COMPANY_RATE) {
    if (body.idCompanyRate !== STUDENT_COMPANY_RATE) {
      body.idCompanyRate = STUDENT_COMPANY_RATE;
      adjustments.push('student_category_kept');
    }
    if (body.idRate !== current.idRate) {
      body.idRate = current.idRate;
      adjustments.push('crous_rate_kept');
    }
  }
  if (current.dueDate.getTime() > body.dueDate.getTime()) {
    if (current.dueDate.getTime() - body.dueDate.getTime() > DATE_TOLERANCE_MS) adjustments.push('due_date_kept');
    body.dueDate = current.dueDate;
  }
  if (body.dueDate.getTime() <= now.getTime()) return { action: 'none', reason: 'due_date_passed', adjustments };
  const differences = accountDifferences(body, current);
  if (differences.length === 0) return { action: 'none', reason: 'up_to_date', adjustments };
  if (body.dueDate.getTime() < minimum) {
    body.dueDate = new Date(minimum);
    adjustments.push('due_date_raised_to_minimum');
  }
  const plan: AccountPlan = { action: 'update', body, differences, adjustments };
  if (current.accountStatus === 'CLOTURE' || current.accountStatus === 'CLOTURE_EN_COURS') plan.reopenFirst = true;
  if (differences.includes('identifier')) {
    plan.changeIdentifier = { currentIdentifier: current.identifier, email: current.email, newIdentifier: body.identifier };
  }
  return plan;
}

function stripReadOnly(account: CrousRightHolder): CrousRightHolder {
  const { accountStatus: _status, blockingStatus: _blocking, ...rest } = account;
  return { ...rest };
}

/** Reason codes of a SmartCard cancellation. */
export type CrousCancelReason = 'DP' | 'DV' | 'CD' | 'HS';

/**
 * The CROUS cancel reason for a card's disable reason: lost DP, stolen DV, out of order CD,
 * anything else (a manager's decision, replaced, rights ended, unknown) HS.
 */
export function crousCancelReason(reason: DisableReason | null | undefined): CrousCancelReason {
  switch (reason) {
    case 'LOST':
      return 'DP';
    case 'THEFT':
      return 'DV';
    case 'OUT_OF_ORDER':
      return 'CD';
    default:
      return 'HS';
  }
}

/** One tariff rule the CROUS publishes for an institution (`GET /crous/{n}/organization/{rne}`). */
export interface CrousTariffRule {
  statusCode: string;
  /** Inclusive bounds of the salary index; null (or absent) leaves that side open. */
  indexMin: number | null;
  indexMax: number | null;
  idCompanyRate: number;
  idRate: number;
}

/** A computed tariff and why. */
export interface CrousTariff {
  idCompanyRate: number;
  idRate: number;
  source: 'rule' | 'student_default' | 'default';
  /** Position of the rule used in the list given, when one matched. */
  ruleIndex?: number;
}

/**
 * The tariff of a person from the CROUS's rules: the first rule (in the CROUS's order) with the
 * person's status code (case-insensitive) whose index range holds the person's index (a rule with
 * a bound needs an index). No match: students (`etd`) get 10 / 1, everyone else 78 / 99.
 */
export function computeCrousTariff(
  rules: readonly CrousTariffRule[],
  person: { statusCode: string; index?: number | null },
): CrousTariff {
  const status = person.statusCode.trim().toLowerCase();
  const index = person.index ?? null;
  const ruleIndex = rules.findIndex((rule) => {
    if (rule.statusCode.trim().toLowerCase() !== status) return false;
    const min = rule.indexMin ?? null;
    const max = rule.indexMax ?? null;
    if (min === null && max === null) return true;
    if (index === null) return false;
    return (min === null || index >= min) && (max === null || index <= max);
  });
  const rule = rules[ruleIndex];
  if (rule !== undefined) return { idCompanyRate: rule.idCompanyRate, idRate: rule.idRate, source: 'rule', ruleIndex };
  if (status === STUDENT_STATUS_CODE) return { idCompanyRate: STUDENT_COMPANY_RATE, idRate: STUDENT_DEFAULT_RATE, source: 'student_default' };
  return { idCompanyRate: DEFAULT_COMPANY_RATE, idRate: NO_SUBSIDY_RATE, source: 'default' };
}
