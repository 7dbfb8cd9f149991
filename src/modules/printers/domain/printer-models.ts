/**
 * Card printer models offices commonly run, offered by the console; the model stays free text
 * (any other model is accepted): campuscard only hands a PDF at card size to the OS spooler, so
 * the model is for people, not for a driver choice.
 */
export const KNOWN_PRINTER_MODELS = [
  'Evolis Primacy 2',
  'Evolis Primacy',
  'Evolis Zenius',
  'Evolis Avansia',
  'Zebra ZC300',
  'Zebra ZC350',
  'Zebra ZXP Series 7',
  'Fargo DTC1500',
  'Fargo HDP5000',
  'Magicard Rio Pro 360',
  'Matica MC310',
] as const;

/** A printer counts as online when its client called within this long. */
export const PRINTER_ONLINE_WINDOW_MS = 2 * 60_000;

/** Whether a printer whose client was last seen at `lastSeenAt` is online at `now`. */
export function isPrinterOnline(lastSeenAt: Date | null, now: Date): boolean {
  return lastSeenAt !== null && now.getTime() - lastSeenAt.getTime() < PRINTER_ONLINE_WINDOW_MS;
}
