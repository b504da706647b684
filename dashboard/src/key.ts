/** The API key: from `?key=` (then removed from the address bar) or localStorage. Never in the bundle. */

const STORAGE_KEY = 'waaah.apiKey';

export function takeKeyFromUrl(location: Location, history: History, storage: Storage): string | null {
  const url = new URL(location.href);
  const key = url.searchParams.get('key');
  if (key) {
    storage.setItem(STORAGE_KEY, key);
    url.searchParams.delete('key');
    history.replaceState(history.state, '', url.pathname + url.search + url.hash);
  }
  return key || storage.getItem(STORAGE_KEY);
}

export function saveKey(storage: Storage, key: string): void {
  storage.setItem(STORAGE_KEY, key);
}

export function forgetKey(storage: Storage): void {
  storage.removeItem(STORAGE_KEY);
}
