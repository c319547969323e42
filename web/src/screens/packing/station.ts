/** The packing station's name (kept in each capture's history), remembered on this device. */
const KEY = 'unitrace.packing.station';

export function readStation(): string {
  try {
    return localStorage.getItem(KEY) ?? '';
  } catch {
    return '';
  }
}

export function writeStation(name: string): void {
  try {
    if (name.trim()) localStorage.setItem(KEY, name.trim());
    else localStorage.removeItem(KEY);
  } catch {
    // storage unavailable: the name lasts for this page only
  }
}
