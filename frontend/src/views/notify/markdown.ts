// A small, safe Markdown subset for announcements: the text is HTML-escaped
// first, then headings, lists, bold, italic, inline code and http(s) links.
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

export function renderMarkdown(src: string): string {
  const out: string[] = []
  let list = false
  let para: string[] = []
  const flush = () => {
    if (para.length) { out.push('<p>' + para.map(inline).join('<br>') + '</p>'); para = [] }
    if (list) { out.push('</ul>'); list = false }
  }
  for (const raw of esc(src).split(/\r?\n/)) {
    const line = raw.trimEnd()
    const h = /^(#{1,4})\s+(.*)$/.exec(line)
    const li = /^\s*[-*]\s+(.*)$/.exec(line)
    if (h) { flush(); out.push(`<h${h[1].length + 1}>${inline(h[2])}</h${h[1].length + 1}>`); continue }
    if (li) {
      if (para.length) { out.push('<p>' + para.map(inline).join('<br>') + '</p>'); para = [] }
      if (!list) { out.push('<ul>'); list = true }
      out.push('<li>' + inline(li[1]) + '</li>')
      continue
    }
    if (line === '') { flush(); continue }
    if (list) { out.push('</ul>'); list = false }
    para.push(line)
  }
  flush()
  return out.join('\n')
}
