import { describe, expect, it } from 'vitest'
import { parseCaptureSource, parseJsonPath, readPath } from '../../../../src/options/journey/capture-path.ts'

describe('parseJsonPath', () => {
  it('parses dotted names and indexes', () => {
    expect(parseJsonPath('a.b[0].c')).toEqual(['a', 'b', 0, 'c'])
    expect(parseJsonPath('[2].id')).toEqual([2, 'id'])
    expect(parseJsonPath('items["odd key"]')).toEqual(['items', 'odd key'])
    expect(parseJsonPath('')).toEqual([])
  })

  it('refuses what is not a path', () => {
    expect(parseJsonPath('.a')).toBeUndefined()
    expect(parseJsonPath('a..b')).toBeUndefined()
    expect(parseJsonPath('a[x]')).toBeUndefined()
    expect(parseJsonPath('a[0]b')).toBeUndefined()
  })
})

describe('parseCaptureSource', () => {
  it("parses 'json:' and 'header:' sources", () => {
    expect(parseCaptureSource('json:token')).toEqual({
      from: 'json',
      path: ['token'],
      expression: 'json:token',
    })
    expect(parseCaptureSource('header:X-Request-Id')).toEqual({
      from: 'header',
      name: 'x-request-id',
      expression: 'header:X-Request-Id',
    })
  })

  it('refuses other sources', () => {
    expect(parseCaptureSource('body:token')).toBeUndefined()
    expect(parseCaptureSource('header:bad name')).toBeUndefined()
    expect(parseCaptureSource('json:a..b')).toBeUndefined()
  })
})

describe('readPath', () => {
  const value = { a: { b: [{ c: 'found' }] }, list: [1, 2] }

  it('follows names and indexes', () => {
    expect(readPath(value, ['a', 'b', 0, 'c'])).toBe('found')
    expect(readPath(value, ['list', 1])).toBe(2)
    expect(readPath(value, [])).toBe(value)
  })

  it('is undefined when a segment is missing or of the wrong kind', () => {
    expect(readPath(value, ['a', 'x'])).toBeUndefined()
    expect(readPath(value, ['a', 'b', 5, 'c'])).toBeUndefined()
    expect(readPath(value, ['a', 0])).toBeUndefined()
    expect(readPath(value, ['list', 'length'])).toBeUndefined()
    expect(readPath('text', ['length'])).toBeUndefined()
  })
})
