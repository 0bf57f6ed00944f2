// The virtual store works synchronously: each method applies its whole effect at once (the
// `...Now` methods, which the scheduled storage runs at the moment a step is granted). The
// storage seam is asynchronous, so each method also has its promise form, built here.

/** `now()` as a settled promise: its value, or its throw as a rejection. */
export function settle<T>(now: () => T): Promise<T> {
  try {
    return Promise.resolve(now());
  } catch (e) {
    return Promise.reject(e);
  }
}
