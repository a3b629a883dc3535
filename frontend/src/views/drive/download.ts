// Downloads go through a plain link: the browser streams the file to disk
// with the session cookie and the server's Content-Disposition name.
export function saveUrl(url: string) {
  const a = document.createElement('a')
  a.href = url
  a.download = ''
  a.rel = 'noopener'
  document.body.appendChild(a)
  a.click()
  a.remove()
}
