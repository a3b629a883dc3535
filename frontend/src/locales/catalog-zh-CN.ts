// The zh-CN catalog beyond the sign-in page's files (CORE in index.ts), as one chunk.
import { buildMessages, type CatalogModule } from './index'

export default buildMessages(import.meta.glob<CatalogModule>(['./zh-CN/*.ts', '!./zh-CN/{common,auth,desktop}.ts'], { eager: true }))['zh-CN']
