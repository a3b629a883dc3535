// The English sign-in page texts (CORE in index.ts) as one small chunk.
import { buildMessages, type CatalogModule } from './index'

export default buildMessages(import.meta.glob<CatalogModule>('./en/{common,auth,desktop}.ts', { eager: true })).en
