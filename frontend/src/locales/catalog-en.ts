// The English catalog as one chunk, loaded by loadLocale('en') (index.ts).
import { buildMessages, type CatalogModule } from './index'

export default buildMessages(import.meta.glob<CatalogModule>('./en/*.ts', { eager: true })).en
