/** What a kiosk PIN looks like: 4–8 digits (the contract's SetKioskPin says the same). */
export function isValidPin(pin: string): boolean {
  return /^\d{4,8}$/.test(pin);
}
