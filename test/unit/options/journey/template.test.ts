import { describe, expect, it } from 'vitest'
import {
  escapeJsonString,
  hasTemplate,
  MissingVarError,
  parseTemplate,
  renderTemplate,
} from '../../../../src/options/journey/template.ts'

const scope = { user: 3, iteration: 7, vars: { id: 42, token: 'abc', obj: { a: 1 }, user: 'named' } }

describe('parseTemplate', () => {
  it('splits text at its {{var}} placeholders', () => {
    expect(parseTemplate('/items/{{id}}?u={{ user }}')).toEqual({
      strings: ['/items/', '?u=', ''],
      vars: ['id', 'user'],
    })
  })

  it('leaves text without placeholders as one static string', () => {
    expect(parseTemplate('/plain/{not}/{{ }}')).toEqual({ strings: ['/plain/{not}/{{ }}'], vars: [] })
  })

  it('parses adjacent placeholders', () => {
    expect(parseTemplate('{{a}}{{b}}')).toEqual({ strings: ['', '', ''], vars: ['a', 'b'] })
  })
})

describe('renderTemplate', () => {
  it('fills vars from the scope, vars before the built-ins', () => {
    expect(renderTemplate(parseTemplate('/items/{{id}}/{{iteration}}/{{user}}'), scope, 'path')).toBe(
      '/items/42/7/named',
    )
  })

  it('reads user and iteration when vars lack them', () => {
    const plain = { user: 3, iteration: 7, vars: {} }
    expect(renderTemplate(parseTemplate('{{user}}-{{iteration}}'), plain, 'path')).toBe('3-7')
  })

  it('renders objects as JSON', () => {
    expect(renderTemplate(parseTemplate('{{obj}}'), scope, 'body')).toBe('{"a":1}')
  })

  it('throws a MissingVarError naming the var and the place', () => {
    expect(() => renderTemplate(parseTemplate('/x/{{nope}}'), scope, 'path of step item')).toThrow(
      MissingVarError,
    )
    expect(() => renderTemplate(parseTemplate('/x/{{nope}}'), scope, 'path of step item')).toThrow(
      '{{nope}} in path of step item',
    )
  })

  it('encodes each value with the given encoder (JSON string escaping)', () => {
    const quoted = { user: 0, iteration: 0, vars: { name: 'a"b\n' } }
    const body = JSON.stringify({ name: '{{name}}' })
    const rendered = renderTemplate(parseTemplate(body), quoted, 'body', escapeJsonString)
    expect(JSON.parse(rendered)).toEqual({ name: 'a"b\n' })
  })
})

describe('hasTemplate', () => {
  it('finds templates at any depth of a body', () => {
    expect(hasTemplate({ a: [{ b: 'x{{y}}' }] })).toBe(true)
    expect(hasTemplate({ a: [{ b: 'x' }], n: 1 })).toBe(false)
    expect(hasTemplate(new Uint8Array([123, 123]))).toBe(false)
  })
})
