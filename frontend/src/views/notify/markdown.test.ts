import { describe, expect, it } from 'vitest'
import { renderMarkdown } from './markdown'

describe('renderMarkdown', () => {
  it('renders the announcement subset', () => {
    const html = renderMarkdown('# Notice\n\nOffice **closed** on *Friday*.\n- one\n- two\n\n[site](https://example.com)')
    expect(html).toContain('<h2>Notice</h2>')
    expect(html).toContain('<strong>closed</strong>')
    expect(html).toContain('<em>Friday</em>')
    expect(html).toContain('<ul>\n<li>one</li>\n<li>two</li>\n</ul>')
    expect(html).toContain('<a href="https://example.com" target="_blank" rel="noopener noreferrer">site</a>')
  })
  it('escapes HTML and refuses script links', () => {
    const html = renderMarkdown('<img src=x onerror=alert(1)> [x](javascript:alert(1))')
    expect(html).not.toContain('<img')
    expect(html).toContain('&lt;img')
    expect(html).not.toContain('href="javascript')
  })
})

describe('renderMarkdown for minutes', () => {
  it('renders numbered lists and pipe tables with escaped pipes', () => {
    const html = renderMarkdown('## 决议\n\n1. 上线\n2. 复盘\n\n| 事项 | 负责人 |\n| --- | --- |\n| a \\| b | 李娜 |\n| 发布 | 王总 |')
    expect(html).toContain('<ol>\n<li>上线</li>\n<li>复盘</li>\n</ol>')
    expect(html).toContain('<thead><tr><th>事项</th><th>负责人</th></tr></thead>')
    expect(html).toContain('<tr><td>a | b</td><td>李娜</td></tr>')
    expect(html).toContain('<tr><td>发布</td><td>王总</td></tr>')
  })
  it('keeps HTML in table cells and lists as text', () => {
    const html = renderMarkdown('| x | y |\n| --- | --- |\n| <script>alert(1)</script> | <img src=x onerror=alert(1)> |\n\n1. <b onmouseover=x>')
    expect(html).not.toMatch(/<script|<img|<b /)
    expect(html).toContain('&lt;script&gt;')
  })
})
