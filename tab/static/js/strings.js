// The page's words: the server's catalogs (every `tab.` key), never text written here.
let table = {};

/** Use these strings (the session's, or the sign-in picker's before it). */
export function setStrings(strings) {
  table = { ...table, ...strings };
}

/** The text of `key`, its `{placeholders}` filled from `values`; the key itself if missing. */
export function t(key, values = {}) {
  const text = table[key];
  if (text === undefined) {
    console.warn(`missing string ${key}`);
    return key;
  }
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

/** Whether `key` is known yet (before sign-in, only the picker's strings are). */
export function has(key) {
  return key in table;
}
