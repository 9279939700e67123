import { formatCount } from './format';

/**
 * One line of progress: `[########----------------] 1,234/5,000 rows decided  24%`. Pure, so it
 * can be tested; the caller writes it after a carriage return on a terminal.
 */
export function renderProgress(done: number, total: number, width = 30): string {
  const safeTotal = Math.max(0, total);
  const safeDone = Math.min(Math.max(0, done), safeTotal);
  const fraction = safeTotal === 0 ? 1 : safeDone / safeTotal;
  const filled = Math.floor(fraction * width);
  const percent = Math.floor(fraction * 100);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${formatCount(safeDone)}/${formatCount(safeTotal)} rows decided ${String(percent).padStart(3)}%`;
}

/** Draws progress on a terminal stream, redrawing one line; does nothing when not a terminal. */
export class ProgressLine {
  private last = '';

  constructor(
    private readonly write: (text: string) => void,
    private readonly enabled: boolean,
  ) {}

  update(done: number, total: number): void {
    if (!this.enabled) return;
    const line = renderProgress(done, total);
    if (line === this.last) return;
    this.last = line;
    this.write(`\r${line}`);
  }

  /** Ends the line so that later output starts on a fresh one. */
  finish(): void {
    if (this.enabled && this.last) this.write('\n');
    this.last = '';
  }
}
