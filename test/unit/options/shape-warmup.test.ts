import { describe, expect, it } from 'vitest'
import { createAdapter } from '../../../src/adapters/index.ts'
import { assertSupported } from '../../../src/adapters/run-adapter.ts'
import { isPerfError } from '../../../src/foundation/errors.ts'
import type { LoadTestOptions } from '../../../src/foundation/types.ts'
import { resolveLoadOptions } from '../../../src/options/resolve.ts'

const url = 'http://127.0.0.1:9/'

function thrown(run: () => unknown): { code: string; message: string; option?: string | undefined } {
  try {
    run()
  } catch (error) {
    if (!isPerfError(error)) throw error
    return { code: error.code, message: error.message, option: (error as { option?: string }).option }
  }
  throw new Error('expected a PerfError')
}

describe('the `warmup` and `measureRampUp` options', () => {
  it('resolve to ms and a flag, off by default', () => {
    expect(resolveLoadOptions({ url }).shape).toMatchObject({ warmupMs: 0, measureRampUp: false })
    expect(resolveLoadOptions({ url, warmup: '2s', measureRampUp: true }).shape).toMatchObject({
      warmupMs: 2000,
      measureRampUp: true,
    })
  })

  it('are validated in the option-naming wording', () => {
    // @ts-expect-error: an unparsable duration is a type error too; at run time it is a PerfError.
    expect(thrown(() => resolveLoadOptions({ url, warmup: 'soon' }))).toMatchObject({
      code: 'PERF_INVALID_OPTION',
      option: 'warmup',
    })
    expect(
      thrown(() => resolveLoadOptions({ url, measureRampUp: 'yes' } as unknown as LoadTestOptions)),
    ).toMatchObject({ code: 'PERF_INVALID_OPTION', option: 'measureRampUp' })
  })

  it('refuse a warm-up with `requests` or `stages`, which leave it no place', () => {
    expect(thrown(() => resolveLoadOptions({ url, warmup: '1s', requests: 100 })).message).toMatch(
      /no `warmup` with `requests`/,
    )
    expect(
      thrown(() => resolveLoadOptions({ url, warmup: '1s', stages: [{ duration: '1s', target: 10 }] }))
        .message,
    ).toMatch(/no `warmup` with `stages`/)
  })

  it('are refused by k6, ab and Locust before anything is spawned', () => {
    const options = resolveLoadOptions({ url, warmup: '1s', duration: '2s' })
    for (const tool of ['k6', 'ab', 'locust'] as const) {
      const error = thrown(() => assertSupported(createAdapter(tool), options))
      expect(error.code).toBe('PERF_TOOL_UNSUPPORTED_OPTION')
      expect(error.message).toMatch(/does not support `warmup`: a warm-up .* needs the native engine/)
    }
  })
})
