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
