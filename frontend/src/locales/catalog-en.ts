// The English catalog beyond the sign-in page's files (catalog-en-core.ts), as one chunk.
import { buildMessages, type CatalogModule } from './index'

export default buildMessages(import.meta.glob<CatalogModule>(['./en/*.ts', '!./en/{common,auth,desktop}.ts'], { eager: true })).en
