// A small, safe Markdown subset for announcements and meeting minutes: the
// text is HTML-escaped first, then headings, bullet and numbered lists,
// pipe tables, bold, italic, inline code and http(s) links. Nothing the
// author writes becomes markup of its own: only the tags below are produced.
function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')
}

function inline(s: string): string {
  return s
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/\*([^*]+)\*/g, '<em>$1</em>')
    .replace(/\[([^\]]+)\]\((https?:\/\/[^\s)]+)\)/g, '<a href="$2" target="_blank" rel="noopener noreferrer">$1</a>')
}

// cells splits a table row at unescaped pipes ("\|" is a pipe inside a cell).
function cells(line: string): string[] {
  const parts = line.trim().replace(/^\|/, '').replace(/(?<!\\)\|$/, '').split(/(?<!\\)\|/)
  return parts.map((c) => inline(c.trim().replace(/\\\|/g, '|')))
}

const tableRow = /^\s*\|.*\|\s*$/
const tableRule = /^\s*\|?(\s*:?-{3,}:?\s*\|)+\s*(:?-{3,}:?\s*)?$/

export function renderMarkdown(src: string): string {
  const out: string[] = []
  let list: '' | 'ul' | 'ol' = ''
  let para: string[] = []
  const endPara = () => {
    if (para.length) { out.push('<p>' + para.map(inline).join('<br>') + '</p>'); para = [] }
  }
  const endList = () => {
    if (list) { out.push(`</${list}>`); list = '' }
  }
  const flush = () => { endPara(); endList() }
  const lines = esc(src).split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trimEnd()
    const h = /^(#{1,4})\s+(.*)$/.exec(line)
    const li = /^\s*[-*]\s+(.*)$/.exec(line)
    const oli = /^\s*\d+[.)]\s+(.*)$/.exec(line)
    if (h) { flush(); out.push(`<h${h[1].length + 1}>${inline(h[2])}</h${h[1].length + 1}>`); continue }
    if (tableRow.test(line) && i + 1 < lines.length && tableRule.test(lines[i + 1])) {
      flush()
      const rows = [`<tr>${cells(line).map((c) => `<th>${c}</th>`).join('')}</tr>`]
      i++
      while (i + 1 < lines.length && tableRow.test(lines[i + 1])) {
        i++
        rows.push(`<tr>${cells(lines[i]).map((c) => `<td>${c}</td>`).join('')}</tr>`)
      }
      out.push(`<table>\n<thead>${rows[0]}</thead>\n<tbody>\n${rows.slice(1).join('\n')}\n</tbody>\n</table>`)
      continue
    }
    if (li || oli) {
      const kind = li ? 'ul' : 'ol'
      endPara()
      if (list !== kind) { endList(); out.push(`<${kind}>`); list = kind }
      out.push('<li>' + inline((li ?? oli)![1]) + '</li>')
      continue
    }
    if (line === '') { flush(); continue }
    endList()
    para.push(line)
  }
  flush()
  return out.join('\n')
}
