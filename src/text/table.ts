/** A plain-text table: columns padded to their widest cell, two spaces apart, one line per row. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, i) =>
    rows.reduce((widest, row) => Math.max(widest, (row[i] ?? '').length), title.length),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].map((text) => `${text}\n`).join('');
}
