import { describe, expect, it } from 'vitest'
import { InvalidOptionError, isPerfError } from '../../../../src/foundation/errors.ts'
import { parseCli, parseHeader, parseThresholdFlags } from '../../../../src/frameworks/cli/args.ts'
import { widthOf } from '../../../../src/frameworks/cli/output.ts'

describe('parseCli', () => {
  it('maps the flags onto loadTest options, numbers as numbers', () => {
    const command = parseCli([
      'http://127.0.0.1:1/x',
      '-c',
      '50',
      '-d',
      '30s',
      '--rate',
      '500',
      '-m',
      'post',
      '-H',
      'accept: text/html',
      '-H',
      'x-a:b:c',
      '-b',
      '{"a":1}',
      '--workers',
      '2',
      '--timeout',
      '2s',
      '--json',
    ])
    expect(command).toEqual({
      kind: 'load',
      file: undefined,
      options: {
        url: 'http://127.0.0.1:1/x',
        users: 50,
        duration: '30s',
        rate: 500,
        method: 'POST',
        body: '{"a":1}',
        workers: 2,
        timeout: '2s',
        headers: { accept: 'text/html', 'x-a': 'b:c' },
      },
      output: { json: true, html: undefined, junit: undefined, quiet: false, color: true },
    })
  })

  it('keeps text that is not a number, so the option validator names it', () => {
    const command = parseCli(['http://h.invalid/', '-u', '1e'])
    expect(command.kind === 'load' && command.options.users).toBe('1e')
  })

  it('run FILE takes a file and no URL; export wants exactly one of --k6 and --locust', () => {
    expect(parseCli(['run', 'a.yaml', '--no-color'])).toMatchObject({
      kind: 'load',
      file: 'a.yaml',
      options: {},
    })
    expect(parseCli(['export', 'a.json', '--k6', '-u', '5'])).toEqual({
      kind: 'export',
      file: 'a.json',
      format: 'k6',
      options: { users: 5 },
    })
    expect(() => parseCli(['export', 'a.json'])).toThrow(/--k6 and --locust/)
  })

  it('refuses no URL, two URLs and unknown flags with a PerfError', () => {
    for (const argv of [
      [],
      ['http://a.invalid/', 'http://b.invalid/'],
      ['http://a.invalid/', '--nope'],
      ['run'],
    ]) {
      let thrown: unknown
      try {
        parseCli(argv)
      } catch (error) {
        thrown = error
      }
      expect(isPerfError(thrown, 'PERF_INVALID_OPTION')).toBe(true)
    }
  })
})

describe('parseThresholdFlags', () => {
  it('reads http_req_duration by default and a `metric:` prefix otherwise, tags included', () => {
    expect(
      parseThresholdFlags([
        'p(95)<200',
        'avg<100',
        'http_req_failed: rate<0.01',
        'http_reqs:rate>10',
        'http_req_duration{name:login}: p(99)<300',
      ]),
    ).toEqual({
      http_req_duration: ['p(95)<200', 'avg<100'],
      http_req_failed: ['rate<0.01'],
      http_reqs: ['rate>10'],
      'http_req_duration{name:login}': ['p(99)<300'],
    })
  })

  it.each(['__proto__: rate<1', 'constructor: rate<1', 'constructor{name:a}: rate<1'])(
    '%s is an InvalidOptionError naming --threshold',
    (text) => {
      let thrown: unknown
      try {
        parseThresholdFlags([text])
      } catch (error) {
        thrown = error
      }
      expect(thrown).toBeInstanceOf(InvalidOptionError)
      expect((thrown as InvalidOptionError).option).toBe('--threshold')
      expect((thrown as Error).message).toContain(text)
    },
  )
})

describe('parseHeader', () => {
  it('splits at the first colon and trims', () => {
    expect(parseHeader(' authorization :  Bearer a:b ')).toEqual(['authorization', 'Bearer a:b'])
    expect(() => parseHeader(': v')).toThrow("Expected the `--header` argument to be 'name: value'")
  })
})

describe('widthOf', () => {
  it('treats 0 and unknown columns as 100 and caps at 100', () => {
    expect(widthOf({ columns: 0 })).toBe(100)
    expect(widthOf({})).toBe(100)
    expect(widthOf({ columns: 60 })).toBe(60)
    expect(widthOf({ columns: 300 })).toBe(100)
  })
})
