const idFormat = new Intl.NumberFormat('id-ID', { maximumFractionDigits: 0 });

/** Formats whole rupiah the Indonesian way: `685816` -> `Rp685.816`. */
export function formatRupiah(amount: number): string {
  return `Rp${idFormat.format(Math.round(amount))}`;
}
