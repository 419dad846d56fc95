import { describe, expect, it } from 'vitest'
import {
  describeChar,
  escapeForMessage,
  headerNameProblem,
  headerValueProblem,
  parsedUrlProblem,
  rawUrlProblem,
  utf8HeaderProblem,
} from '../../../src/options/http-fields.ts'

describe('headerValueProblem', () => {
  it.each([
    '',
    'Bearer abc.def',
    'a b\tc',
    'caf\u00e9',
    '\u0080\u00ff',
    `!"#$%&'()*+,-./:;<=>?@[\\]^_\`{|}~`,
  ])('accepts field-value text %j', (value) => {
    expect(headerValueProblem(value)).toBeUndefined()
  })

  it.each([
    ['\r', 'U+000D (CR)'],
    ['\n', 'U+000A (LF)'],
    ['\0', 'U+0000 (NUL)'],
    ['\x01', 'U+0001'],
    ['\x0b', 'U+000B'],
    ['\x1b', 'U+001B (ESC)'],
    ['\x7f', 'U+007F (DEL)'],
  ])('refuses the control character %j', (char, described) => {
    expect(headerValueProblem(`a${char}b`)).toContain(`${described} at index 1`)
  })

  it.each([
    ['\u010d\u010a', 'U+010D'],
    ['\u0100', 'U+0100'],
    ['\u20ac5 \u{1f600}', 'U+20AC'],
    ['x\u{1f600}', 'U+1F600'],
  ])(
    'refuses %j, above Latin-1 (its low byte may be CR, LF or NUL), pointing to encodeURIComponent',
    (value, code) => {
      const problem = headerValueProblem(value)
      expect(problem).toContain(code)
      expect(problem).toContain('Latin-1')
      expect(problem).toContain('encodeURIComponent')
    },
  )

  it.each([' a', 'a ', '\ta', 'a\t'])('refuses a space or tab at either end: %j', (value) => {
    expect(headerValueProblem(value)).toMatch(/either end/)
  })
})

describe('headerNameProblem', () => {
  it('accepts tokens and names the first character that is not one', () => {
    expect(headerNameProblem("x-a_b.c!#$%&'*+^`|~9")).toBeUndefined()
    expect(headerNameProblem('x a')).toContain("U+0020 ' '")
    expect(headerNameProblem('x\r\ny')).toContain('U+000D (CR)')
    expect(headerNameProblem('x-\u010d')).toContain('U+010D')
    expect(headerNameProblem('')).toMatch(/token/)
    expect(headerNameProblem('a:b')).toContain("':'")
  })
})

describe('rawUrlProblem and parsedUrlProblem', () => {
  it('refuses control characters in the URL as given, which WHATWG parsing would drop', () => {
    expect(rawUrlProblem('http://h.invalid/a\r\nb')).toContain('U+000D (CR) at index 18')
    expect(rawUrlProblem('http://h.invalid/?q=\t')).toContain('U+0009 (HTAB)')
    expect(rawUrlProblem('http://h.invalid/\x7f')).toContain('DEL')
    expect(rawUrlProblem('http://h.invalid/a b/é?q=€')).toBeUndefined()
  })

  it('accepts what WHATWG URL encoded: the request line and host are visible ASCII', () => {
    expect(parsedUrlProblem(new URL('http://h.invalid/a b/é?q=€ 😀'))).toBeUndefined()
    expect(parsedUrlProblem(new URL('http://bücher.invalid:81/'))).toBeUndefined()
    expect(parsedUrlProblem(new URL('http://[::1]:81/'))).toBeUndefined()
  })

  it('refuses a URL object whose path would carry a control character', () => {
    // A stand-in for a URL that escaped WHATWG encoding: only the fields read are given.
    const url = { pathname: '/a\rb', search: '', host: 'h' } as URL
    expect(parsedUrlProblem(url)).toContain('U+000D (CR)')
  })
})

describe('utf8HeaderProblem', () => {
  it('names the first header with obs-text, which a UTF-8 tool would send as two bytes', () => {
    expect(utf8HeaderProblem({ 'x-a': 'ascii', 'x-b': 'caf\u00e9' })).toEqual({
      option: 'headers.x-b',
      why: expect.stringContaining("U+00E9 'é'"),
    })
    expect(utf8HeaderProblem({ 'x-a': 'ascii' })).toBeUndefined()
  })
})

describe('messages', () => {
  it('escape controls so a value cannot forge log lines', () => {
    expect(escapeForMessage('a\r\nb')).toBe('a\\r\\nb')
    expect(describeChar('\u0085')).toBe('U+0085')
    expect(describeChar('é')).toBe("U+00E9 'é'")
  })
})
