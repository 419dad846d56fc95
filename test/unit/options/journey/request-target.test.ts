import { describe, expect, it } from 'vitest'
import { renderedHeaderValueProblem, trimHeaderValue } from '../../../../src/options/http-fields.ts'
import { encodeRequestTarget } from '../../../../src/options/journey/request-target.ts'

// The rules of docs/journeys.md#what-goes-on-the-wire, as the native engine applies them (the k6 and Locust
// scripts are held to the same bytes against a real server: test/integration/adapters/journey-wire-rules).
describe('encodeRequestTarget', () => {
  it.each([
    ['/a b', '/a%20b'],
    ['/d/..', '/d/..'],
    ['/d/%2e%2e/./x', '/d/%2e%2e/./x'],
    ['//elsewhere/x', '//elsewhere/x'],
    ['/caf\u00e9\u2603\u{1f600}', '/caf%C3%A9%E2%98%83%F0%9F%98%80'],
    ['/a#b', '/a%23b'],
    ['/100%', '/100%25'],
    ['/%zz%4', '/%25zz%254'],
    ['/%4a%4A', '/%4a%4A'],
    ['/"<>\\^`{|}', '/%22%3C%3E%5C%5E%60%7B%7C%7D'],
    ["/-._~!$&'()*+,;=:@[]", "/-._~!$&'()*+,;=:@[]"],
    ['/q?a=b c&d=/?', '/q?a=b%20c&d=/?'],
    ['/q?', '/q'],
    ['/q??', '/q??'],
    ['/lone\ud800x', '/lone%EF%BF%BDx'],
  ])('%j goes out as %j', (rendered, sent) => {
    expect(encodeRequestTarget(rendered)).toBe(sent)
  })

  it('leaves an encoded target as it is', () => {
    const once = encodeRequestTarget('/a b/caf\u00e9?x=%/#')
    expect(encodeRequestTarget(once)).toBe(once)
  })
})

describe('a rendered header value', () => {
  it('is trimmed of spaces and tabs at either end, not inside', () => {
    expect(trimHeaderValue(' \t v  w\t ')).toBe('v  w')
    expect(trimHeaderValue('\t')).toBe('')
  })

  it('must be ASCII field text', () => {
    expect(renderedHeaderValueProblem('Bearer a.b c\td')).toBeUndefined()
    expect(renderedHeaderValueProblem('caf\u00e9')).toMatch(/^ASCII text \(U\+00E9 'é' at index 3\)/)
    expect(renderedHeaderValueProblem('x\u{1f600}')).toMatch(/^ASCII text \(U\+1F600/)
    expect(renderedHeaderValueProblem('a\r\nb')).toContain('U+000D (CR) at index 1')
  })
})
