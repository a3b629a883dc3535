// Element Plus on demand, without a plugin dependency: the Vue compiler turns
// every <el-button> in a template into _resolveComponent("el-button"), which
// only works when the whole library was registered globally (1 MB of script
// and 360 KB of CSS on the login page). This rewrites each such call into an
// import of that one component from element-plus/es plus its own stylesheet,
// so every route chunk carries exactly the components it renders.
import type { Plugin } from 'vite'

const pascal = (kebab: string) => kebab.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase())
const kebab = (name: string) => name.replace(/^El/, '').replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()

const componentCall = /_resolveComponent\("((?:el-|El)[A-Za-z-]+)"\)/g
// v-loading is the only Element Plus directive the app uses.
const directiveCall = /_resolveDirective\("loading"\)/g

export function elementPlusOnDemand(): Plugin {
  return {
    name: 'tack-element-plus-on-demand',
    enforce: 'post',
    transform(code, id) {
      if (!id.split('?')[0].endsWith('.vue')) return null
      if (!code.includes('_resolveComponent("el-') && !code.includes('_resolveComponent("El') && !code.includes('_resolveDirective("loading")')) return null
      const imports = new Set<string>()
      let out = code.replace(componentCall, (_m, raw: string) => {
        const name = raw.startsWith('El') ? raw : 'El' + pascal(raw.slice(3))
        imports.add(`import { ${name} as __ep_${name} } from 'element-plus/es';`)
        imports.add(`import 'element-plus/es/components/${kebab(name)}/style/css';`)
        return `__ep_${name}`
      })
      out = out.replace(directiveCall, () => {
        imports.add(`import { vLoading as __ep_vLoading } from 'element-plus/es';`)
        imports.add(`import 'element-plus/es/components/loading/style/css';`)
        return '__ep_vLoading'
      })
      return { code: [...imports].join('\n') + '\n' + out, map: null }
    },
  }
}
