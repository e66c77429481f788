/** What an import did, table by table, and everything it refused with the reason. */

import { hundredthsText } from '../fields.js';
import type { StuckDemand } from './checks.js';
import type { SharedEscrow } from './unallocated-shares.js';

/** At most this many stuck demands are listed one by one. */
const listedStuck = 20;
/** At most this many rows are named for each note. */
const listedNoteRows = 10;

export interface Refusal {
  /** The old row's id (or what names it, e.g. `goods 12: /uploads/a.png` for a file). */
  readonly id: number | string;
  readonly reason: string;
}

/** One table's counts. `read` = imported + skipped + refused. */
export class TableTally {
  total = 0;
  read = 0;
  imported = 0;
  /** Already in the database (an earlier run wrote them). */
  skipped = 0;
  readonly refusals: Refusal[] = [];
  /** Things done that the operator should know of, e.g. passwords not kept; counted per kind. */
  readonly notes = new Map<string, number>();
  /** The first rows of each note, so the operator can look them up in the old database. */
  readonly noteRows = new Map<string, Array<number | string>>();
  seconds = 0;

  constructor(readonly name: string) {}

  /** `row`: the old row's id, or what names another table's row (`goods 12`). */
  note(text: string, row: number | string): void {
    this.notes.set(text, (this.notes.get(text) ?? 0) + 1);
    const rows = this.noteRows.get(text) ?? [];
    if (rows.length < listedNoteRows) rows.push(row);
    this.noteRows.set(text, rows);
  }
}

/**
 * File references, counted per copy of an old URL: one for all its public uses, one per owner naming
 * it as an identity document (files.ts).
 */
export class FileTally {
  copied = 0;
  /** Copied by an earlier run. */
  reused = 0;
  /** Old URLs kept as they were: no `--files-root`, or a file that could not be copied. */
  external = 0;
  readonly refusals: Refusal[] = [];
}

/** The wallets' money against the old `account` table. */
export interface MoneySummary {
  /**
   * The old table's total (yuan text): `sum(amount)` as MySQL adds a DECIMAL column; for a FLOAT,
   * DOUBLE or text one, its amounts as the import reads them, added exactly (those it cannot read left out).
   */
  readonly oldTotalYuan: string;
  readonly importedFen: number;
  /** Wallets an earlier run imported. */
  readonly skippedFen: number;
  /** The refused rows' amounts added exactly (they may have more than 2 decimals). */
  readonly refusedYuan: string;
  /** Refused rows whose amount is no exact number (none at all, or a FLOAT that tells no fen), so it cannot be added. */
  readonly unreadableRefused: number;
  /** Whether the old total is exactly imported + imported before + refused. */
  readonly adds: boolean;
  /**
   * Whether that holds of the amounts that are exact numbers, those that are not being the same
   * rows on both sides (each refused): the sum is then right, short of what cannot be added.
   * Always true when `adds` is.
   */
  readonly readableAdds: boolean;
}

export class ImportReport {
  readonly tables: TableTally[] = [];
  readonly files = new FileTally();
  missing: string[] = [];
  money: MoneySummary | undefined;
  /** What all imported escrows hold (not known in a dry run). */
  escrowFen: number | undefined;
  /** What the escrows of the demands this run refused hold: old money left behind, in fen. */
  refusedEscrowFen = 0;
  /** Mismatches between balances and the ledger found after the import; empty when all hold. */
  ledgerProblems: string[] = [];
  /**
   * Demands whose selected applicants the employer cannot pay as the old data left them (all of
   * them; the text lists the first few). Warnings: they do not make the import `failed`.
   */
  stuckDemands: StuckDemand[] = [];
  /** Paid demands whose escrow was shared among selected applicants allocated nothing. */
  sharedEscrow: SharedEscrow[] = [];
  /** How long the checks after the tables took (ledger, escrows, shares, stuck demands). */
  checkSeconds = 0;

  constructor(readonly dryRun: boolean) {}

  table(name: string): TableTally {
    const tally = new TableTally(name);
    this.tables.push(tally);
    return tally;
  }

  get refusalCount(): number {
    return this.tables.reduce((n, t) => n + t.refusals.length, 0) + this.files.refusals.length;
  }

  /** Whether the import must answer with a non-zero exit code whatever `--allow-refusals` says. */
  get failed(): boolean {
    return this.missing.length > 0 || this.ledgerProblems.length > 0;
  }

  format(): string {
    const lines: string[] = [];
    if (this.missing.length) {
      lines.push('The old database lacks what the import reads (nothing was imported):');
      for (const part of this.missing) lines.push(`  missing ${part}`);
      return lines.join('\n');
    }
    const imported = this.dryRun ? 'would import' : 'imported';
    lines.push(this.dryRun ? 'Dry run: nothing was written.' : 'Import finished.');
    lines.push('');
    lines.push(
      `${'table'.padEnd(22)} ${'rows'.padStart(9)} ${imported.padStart(12)} ${'skipped'.padStart(9)} ${'refused'.padStart(9)}`,
    );
    for (const t of this.tables) {
      lines.push(
        `${t.name.padEnd(22)} ${fmt(t.read).padStart(9)} ${fmt(t.imported).padStart(12)} ${fmt(t.skipped).padStart(9)} ${fmt(t.refusals.length).padStart(9)}`,
      );
    }
    const f = this.files;
    lines.push('');
    lines.push(
      // A file refused a copy keeps its old URL: among the external ones, not besides them.
      `files: ${fmt(f.copied)} ${this.dryRun ? 'to copy' : 'copied'}, ${fmt(f.reused)} copied before, ${fmt(f.external)} kept as external URLs (${fmt(f.refusals.length)} of them refused a copy)`,
    );
    if (this.money) {
      const m = this.money;
      const unreadable =
        m.unreadableRefused === 1
          ? '1 refused amount that is'
          : `${m.unreadableRefused} refused amounts that are`;
      lines.push(
        `wallets: old account total ${m.oldTotalYuan} yuan ${m.readableAdds ? '=' : 'DOES NOT EQUAL'} ${hundredthsText(m.importedFen)} imported + ${hundredthsText(m.skippedFen)} imported before + ${m.refusedYuan} refused` +
          (m.unreadableRefused === 0
            ? ''
            : m.readableAdds
              ? `, of the amounts that are exact numbers; besides, ${unreadable} no exact number, in neither sum (see Refused)`
              : ` (and ${unreadable} no exact number)`),
      );
    }
    if (this.escrowFen !== undefined) {
      lines.push(
        `escrow: ${hundredthsText(this.escrowFen)} yuan opened from the imported account for paid, unsettled demands, as they stood when imported (payouts since are not subtracted)`,
      );
    }
    if (this.refusedEscrowFen > 0) {
      lines.push(
        `escrow of refused demands: ${hundredthsText(this.refusedEscrowFen)} yuan, not imported (their refusals say how much each)`,
      );
    }
    if (!this.dryRun) {
      lines.push(
        this.ledgerProblems.length
          ? `ledger: ${this.ledgerProblems.length} balances disagree with their entries:`
          : 'ledger: every wallet and escrow equals its entries',
      );
      for (const problem of this.ledgerProblems) lines.push(`  ${problem}`);
      if (this.sharedEscrow.length) {
        lines.push(
          `shares allocated: ${fmt(this.sharedEscrow.length)} paid demands had selected, unpaid applications allocated nothing (old goods_order.price 0), which the client would pay 0 each, the escrow going back to the employer; what each escrow holds beyond the shares allocated is shared among them evenly, as a selection does:`,
        );
        for (const s of this.sharedEscrow.slice(0, listedStuck)) {
          lines.push(
            `  demand ${s.demandId}: ${hundredthsText(s.sharedFen)} yuan among applications ${s.applicationIds.join(', ')}`,
          );
        }
        if (this.sharedEscrow.length > listedStuck)
          lines.push(`  ... and ${fmt(this.sharedEscrow.length - listedStuck)} more`);
      }
      const stuck = this.stuckDemands;
      lines.push(
        stuck.length
          ? `stuck demands: ${fmt(stuck.length)} the employer cannot settle as imported (a warning, not counted in the exit code; the employer sees the error named):`
          : "stuck demands: none, every selected, unpaid application is covered by its demand's escrow, and no escrow is left behind",
      );
      for (const demand of stuck.slice(0, listedStuck)) lines.push(`  ${stuckLine(demand)}`);
      if (stuck.length > listedStuck) lines.push(`  ... and ${fmt(stuck.length - listedStuck)} more`);
    }
    const noted = this.tables.filter((t) => t.notes.size > 0);
    if (noted.length) {
      lines.push('', 'Notes:');
      for (const t of noted) {
        for (const [text, n] of t.notes) {
          const rows = t.noteRows.get(text) ?? [];
          const more = n > rows.length ? ', ...' : '';
          lines.push(`  ${t.name}: ${text} (${fmt(n)}: ${rows.join(', ')}${more})`);
        }
      }
    }
    const refusing = [...this.tables.filter((t) => t.refusals.length > 0)];
    if (refusing.length || f.refusals.length) {
      lines.push('', `Refused (${fmt(this.refusalCount)}):`);
      for (const t of refusing) for (const r of t.refusals) lines.push(`  ${t.name} ${r.id}: ${r.reason}`);
      for (const r of f.refusals) lines.push(`  file ${r.id}: ${r.reason}`);
    }
    return lines.join('\n');
  }
}

const fmt = (n: number) => n.toLocaleString('en');

/** What the employer of a stuck demand sees when paying, and what the operator can do about it. */
function stuckLine(d: StuckDemand): string {
  const them =
    d.unpaid === 1 ? '1 selected, unpaid application' : `${fmt(d.unpaid)} selected, unpaid applications`;
  const allocated = `${them} (allocated ${hundredthsText(d.allocatedFen)} yuan)`;
  if (!d.paid) {
    const short = d.allocatedFen - d.priceFen;
    return (
      `demand ${d.id}: never paid into escrow; paying its ${allocated} is refused (DEMAND_NOT_PAID) until the employer pays the demand's price, ${hundredthsText(d.priceFen)} yuan, from its wallet` +
      (short > 0
        ? `, and even then the allocations are ${hundredthsText(short)} yuan more than escrow holds`
        : '')
    );
  }
  if (d.unpaid === 0) {
    return `demand ${d.id}: every selected application is paid, yet escrow still holds ${hundredthsText(d.escrowFen)} yuan and the demand is not settled (no payout is left to settle it): give it back with 退回托管款 in the console (demands.returnEscrow), which settles it`;
  }
  if (d.settled) {
    return `demand ${d.id}: settled, so its escrow holds nothing; paying its ${allocated} is refused (ESCROW_TOO_LOW): what is still owed is settled outside the service (\`credit\` the applicant)`;
  }
  if (d.unallocated > 0 && d.allocatedFen <= d.escrowFen) {
    const nothing = d.unallocated === 1 ? '1 of them was' : `${fmt(d.unallocated)} of them were`;
    return `demand ${d.id}: escrow holds ${hundredthsText(d.escrowFen)} yuan, no more than its ${allocated}, and ${nothing} allocated nothing: the client pays those 0 (the row's price) and the last payout settles the demand; what they are owed is settled outside the service (\`credit\` the applicant)`;
  }
  return `demand ${d.id}: escrow holds ${hundredthsText(d.escrowFen)} yuan, ${hundredthsText(d.allocatedFen - d.escrowFen)} less than its ${allocated}: not every share can be paid as allocated: after a payout the rest is shared anew among those still to be paid, and a share escrow does not cover is refused (ESCROW_TOO_LOW); the employer pays such a share at most what escrow holds (the pay call takes an amount), and the shortfall is settled outside the service (\`credit\` the applicant)`;
}
