// Preferences kept per browser (localStorage), as JSON. A value that cannot
// be read (another version's, or storage turned off) reads as absent.

export function readPref<T>(key: string): T | undefined {
  try {
    const raw = localStorage.getItem(key)
    return raw ? (JSON.parse(raw) as T) : undefined
  } catch {
    return undefined
  }
}

export function writePref(key: string, value: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(value))
  } catch {
    // storage full or turned off: the preference lasts this page only
  }
}
