import type {
  CustomMetricRecorder,
  CustomMetricType,
  HttpMethod,
  VirtualUser,
  VuCheck,
  VuRequestOptions,
  VuResponse,
} from '../../foundation/types.ts'
import type { MetricsCollector } from '../../metrics/collector.ts'
import { decodeBody } from '../decode-body.ts'
import { headersToObject } from '../record.ts'

/**
 * A response of a code iteration; it knows the collectors of its endpoint, for `vu.check`. Its headers and
 * text are made when first read: most code reads neither.
 */
export class CodeResponse implements VuResponse {
  readonly status: number
  readonly error: string | undefined
  readonly timings: { duration: number }
  readonly collectors: readonly MetricsCollector[]
  private readonly rawHeaders: readonly (string | Buffer)[] | null
  private readonly chunks: readonly Buffer[] | null
  private headerObject: Record<string, string | string[] | undefined> | undefined
  private decoded: string | undefined

  constructor(
    status: number,
    rawHeaders: readonly (string | Buffer)[] | null,
    chunks: readonly Buffer[] | null,
    error: string | undefined,
    durationMs: number,
    collectors: readonly MetricsCollector[],
  ) {
    this.status = status
    this.rawHeaders = rawHeaders
    this.error = error
    this.timings = { duration: durationMs }
    this.collectors = collectors
    this.chunks = chunks
  }

  get headers(): Record<string, string | string[] | undefined> {
    this.headerObject ??= headersToObject(this.rawHeaders)
    return this.headerObject
  }

  text(): string {
    this.decoded ??=
      this.chunks === null
        ? ''
        : decodeBody(Buffer.concat(this.chunks), this.headers['content-encoding']).toString()
    return this.decoded
  }

  json(): unknown {
    try {
      return JSON.parse(this.text())
    } catch (error) {
      throw new Error(`the response (HTTP ${this.status}) is not JSON: ${(error as Error).message}`)
    }
  }
}

/** What a `VirtualUser` asks of the user that runs it; `vu` says which iteration asks (a cut one is ignored). */
export interface VuHost {
  request(
    vu: Vu,
    method: HttpMethod,
    path: string,
    options: VuRequestOptions | undefined,
  ): Promise<VuResponse>
  check(vu: Vu, value: unknown, checks: Record<string, VuCheck<never>>): boolean
  sleep(vu: Vu, seconds: number): Promise<void>
  group<T>(vu: Vu, name: string, fn: () => T | Promise<T>): Promise<T>
  metric(name: string, type: CustomMetricType): CustomMetricRecorder
}

/** The `vu` of one iteration: its methods go to the user that runs it, stamped with the iteration. */
export class Vu implements VirtualUser {
  readonly id: number
  readonly iteration: number
  readonly vars: Record<string, unknown>
  readonly setup: unknown
  /** Which of its user's iterations this is (`CodeProgram.generation` when it began). */
  readonly generation: number
  /** The group its code runs in now (`'checkout::pay'`); '' outside any. */
  groupPath = ''
  private readonly host: VuHost

  constructor(
    host: VuHost,
    generation: number,
    id: number,
    iteration: number,
    vars: Record<string, unknown>,
    setup: unknown,
  ) {
    this.host = host
    this.generation = generation
    this.id = id
    this.iteration = iteration
    this.vars = vars
    this.setup = setup
  }

  request(method: HttpMethod, path: string, options?: VuRequestOptions): Promise<VuResponse> {
    return this.host.request(this, method, path, options)
  }

  get(path: string, options?: VuRequestOptions): Promise<VuResponse> {
    return this.host.request(this, 'GET', path, options)
  }

  post(path: string, options?: VuRequestOptions): Promise<VuResponse> {
    return this.host.request(this, 'POST', path, options)
  }

  put(path: string, options?: VuRequestOptions): Promise<VuResponse> {
    return this.host.request(this, 'PUT', path, options)
  }

  patch(path: string, options?: VuRequestOptions): Promise<VuResponse> {
    return this.host.request(this, 'PATCH', path, options)
  }

  del(path: string, options?: VuRequestOptions): Promise<VuResponse> {
    return this.host.request(this, 'DELETE', path, options)
  }

  check<Value>(value: Value, checks: Record<string, VuCheck<Value>>): boolean {
    return this.host.check(this, value, checks as Record<string, VuCheck<never>>)
  }

  sleep(seconds: number): Promise<void> {
    return this.host.sleep(this, seconds)
  }

  group<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
    return this.host.group(this, name, fn)
  }

  metric(name: string, type: CustomMetricType): CustomMetricRecorder {
    return this.host.metric(name, type)
  }
}
