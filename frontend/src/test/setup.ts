// Vitest setup: the app fetches a non-default language's catalog on first
// use; tests switch languages synchronously, so all are loaded up front.
import { LOCALES, loadLocale } from '../locales'

await Promise.all(LOCALES.map((l) => loadLocale(l)))
