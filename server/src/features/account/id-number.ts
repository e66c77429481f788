import * as fields from '../../fields.js';

const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const checkCharacters = '10X98765432';

/**
 * A mainland resident ID number (GB 11643): 17 digits with a real birth date at 7–14, not after
 * `now`, then the ISO 7064 MOD 11-2 check character (a digit or X).
 */
export function isValidIdNumber(value: string, now: number): boolean {
  if (!/^\d{17}[\dX]$/.test(value)) return false;
  const year = Number(value.slice(6, 10));
  const month = Number(value.slice(10, 12));
  const day = Number(value.slice(12, 14));
  const birth = new Date(Date.UTC(year, month - 1, day));
  if (year < 1900 || birth.getUTCMonth() !== month - 1 || birth.getUTCDate() !== day) return false;
  // Born tomorrow by China's calendar (UTC+8, no summer time) is no one's birth date yet.
  if (birth.getTime() > now + 8 * 60 * 60 * 1000) return false;
  const sum = weights.reduce((total, weight, i) => total + weight * Number(value[i]), 0);
  return checkCharacters[sum % 11] === value[17];
}

export const invalidIdNumberMessage = 'Not a valid 18-character mainland ID number';

/**
 * An ID number as a verification submission names it, as typed by people (surrounding spaces and a
 * lowercase x are forgiven) and not yet checked: the service checks it (isValidIdNumber) unless it
 * is the number the record already holds. Records imported from the old backend, which checked
 * nothing, hold numbers that fail the check, and the deployed client sends them back unchanged with
 * every save (the resume wizard re-sends the identity with the work preferences); refusing those
 * would lock their owners out of the form.
 */
export const idNumberAsSent = fields.text(18).toUpperCase().min(1);
