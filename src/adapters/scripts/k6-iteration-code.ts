import { FIRST_BACKOFF_MS, MAX_BACKOFF_MS } from '../../engine/transports/backoff.ts'
import { K6_JOURNEY_METRICS } from '../../metrics/parsers/k6-journey-metrics.ts'
import { K6_CUSTOM_METRICS } from '../../metrics/parsers/k6-samples.ts'
import { ON_START_RETRY_MS } from '../../options/journey/think.ts'

/**
 * The code half of a code iteration's k6 shim: fixed JavaScript. Above it, the user's module is imported as
 * `user` and the run's values are `spec` (JSON data). It hands the module's functions a `vu` built on k6:
 * - a request is `http.asyncRequest`, tagged `name` (its endpoint) and, inside `vu.group`, `group`; its
 *   status outside `expectStatus` fails it through a `responseCallback`; a request the code got wrong is
 *   never sent (perfspec_not_sent, `step_function`) and its call rejects;
 * - `vu.group` keeps its own group path, since k6's `group()` takes no async function: its requests and
 *   checks are tagged with it, and a completed run is a `group_duration` sample tagged with it;
 * - `vu.metric` records into one k6 metric per type (K6_CUSTOM_METRICS), tagged `metric` with its name,
 *   because k6 declares metrics only in its init context;
 * - a check never throws (k6's would), a thenable never passes;
 * - `onStart` runs before a VU's first iteration, retried after ON_START_RETRY_MS when it throws; an
 *   iteration that throws is counted as failed, and in a closed model the VU backs off.
 */
export const K6_ITERATION_CODE = `
if (typeof user.default !== 'function') {
  throw new Error('the iteration module has no default export function: export default async (vu) => { … }')
}
if (user.onStart !== undefined && typeof user.onStart !== 'function') {
  throw new Error('the iteration module exports an onStart that is not a function')
}
const rows = new SharedArray('perfspec-rows', () => {
  const text = rowLines()
  return text === '' ? [] : text.split('\\n')
})
// Where the load goes: the run's origin, or PERFSPEC_ORIGIN (k6 run -e PERFSPEC_ORIGIN=https://staging…).
const origin = __ENV.PERFSPEC_ORIGIN || spec.origin
export const options = spec.options
const notSentCount = new Counter('${K6_JOURNEY_METRICS.notSent}')
const completed = new Counter('${K6_JOURNEY_METRICS.completed}')
const failedIterations = new Counter('${K6_JOURNEY_METRICS.failed}')
const iterationDuration = new Trend('${K6_JOURNEY_METRICS.duration}', true)
const onStartFailures = new Counter('${K6_JOURNEY_METRICS.onStartFailures}')
const groupDuration = new Trend('group_duration', true)
const customMetrics = {
  trend: new Trend('${K6_CUSTOM_METRICS.trend}'),
  counter: new Counter('${K6_CUSTOM_METRICS.counter}'),
  rate: new Rate('${K6_CUSTOM_METRICS.rate}'),
  gauge: new Gauge('${K6_CUSTOM_METRICS.gauge}'),
}

const OPTION_KEYS = ['headers', 'json', 'body', 'form', 'name', 'tags', 'expectStatus']
const METRIC_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
const HEADER_NAME = /^[!#$%&'*+\\-.^_\`|~0-9A-Za-z]+$/
// As every engine sends a request (docs/journeys.md#what-goes-on-the-wire): controls refused in the path,
// a header value trimmed of spaces and tabs and ASCII; in the path, what a URI cannot carry percent-encoded.
const UNSAFE_PATH = /[\\u0000-\\u001f\\u007f]/
const UNSAFE_HEADER = /[^\\u0009\\u0020-\\u007e]/
const ESCAPE_OR_UNSAFE = /%[0-9A-Fa-f]{2}|[\\uD800-\\uDBFF][\\uDC00-\\uDFFF]|[^A-Za-z0-9\\-._~!$&'()*+,;=:@/?[\\]]/g
const ENDPOINT = Symbol('endpoint')
const DEFAULT_EXPECTED = http.expectedStatuses({ min: 200, max: 399 })
const runExpected = spec.expectStatus === null ? DEFAULT_EXPECTED : http.expectedStatuses(...spec.expectStatus)

function percentEncode(match) {
  if (match.length === 3 && match[0] === '%') return match
  try {
    return encodeURIComponent(match)
  } catch (error) {
    return '%EF%BF%BD'
  }
}

function encodeTarget(target) {
  const encoded = target.replace(ESCAPE_OR_UNSAFE, percentEncode)
  const query = encoded.indexOf('?')
  return query !== -1 && query === encoded.length - 1 ? encoded.slice(0, -1) : encoded
}

function formEncode(fields) {
  const encode = (text) =>
    encodeURIComponent(String(text)).replace(/[!'()~]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase()).replace(/%20/g, '+')
  return Object.keys(fields).map((key) => encode(key) + '=' + encode(fields[key])).join('&')
}

function messageOf(error) {
  return error instanceof Error ? error.message : String(error)
}

// A request the code got wrong: never sent, and its call rejects.
class NotSent extends Error {}

function requestName(method, path, options) {
  const name = options.name !== undefined ? options.name : options.tags && options.tags.name
  if (typeof name === 'string' && name !== '') return name
  return method + ' ' + (typeof path === 'string' && path !== '' ? path : '/')
}

function isRecord(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function expectedOf(expectStatus) {
  if (expectStatus === undefined) return runExpected
  const list = Array.isArray(expectStatus) ? expectStatus : [expectStatus]
  if (list.length === 0 || list.some((code) => !Number.isInteger(code) || code < 100 || code > 599))
    throw new NotSent('expectStatus is a status code (100–599) or a non-empty list of them')
  return http.expectedStatuses(...list)
}

function headersOf(options) {
  const headers = Object.assign({}, spec.headers)
  if (options.headers === undefined) return headers
  if (!isRecord(options.headers)) throw new NotSent('\`headers\` is an object of names to string values')
  for (const name of Object.keys(options.headers)) {
    const given = options.headers[name]
    if (!HEADER_NAME.test(name)) throw new NotSent('header ' + JSON.stringify(name) + ': expected a token')
    if (typeof given !== 'string') throw new NotSent('header ' + name + ': expected a string, got ' + typeof given)
    const value = given.replace(/^[\\t ]+|[\\t ]+$/g, '')
    if (UNSAFE_HEADER.test(value)) throw new NotSent('header ' + name + ': expected ASCII without CR or LF')
    Object.defineProperty(headers, name.toLowerCase(), { value, enumerable: true, writable: true, configurable: true })
  }
  return headers
}

function bodyOf(options, headers) {
  const given = ['json', 'body', 'form'].filter((key) => options[key] !== undefined)
  if (given.length > 1) throw new NotSent('one of \`json\`, \`body\` or \`form\`, not ' + given.join(' and '))
  if (options.json !== undefined) {
    const text = JSON.stringify(options.json)
    if (text === undefined) throw new NotSent('\`json\` cannot be sent as JSON (' + typeof options.json + ')')
    if (headers['content-type'] === undefined) headers['content-type'] = 'application/json'
    return text
  }
  if (options.form !== undefined) {
    if (!isRecord(options.form)) throw new NotSent('\`form\` is an object of field names to values')
    if (headers['content-type'] === undefined) headers['content-type'] = 'application/x-www-form-urlencoded'
    return formEncode(options.form)
  }
  const body = options.body
  if (body === undefined || typeof body === 'string') return body === undefined ? null : body
  if (body instanceof Uint8Array) return body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength)
  if (body instanceof ArrayBuffer) return body
  throw new NotSent('\`body\` is a string or bytes (an object goes as \`json\`)')
}

function prepare(method, path, given) {
  if (!spec.methods.includes(method)) throw new NotSent('the method is one of ' + spec.methods.join(', '))
  if (typeof path !== 'string' || (path !== '' && path[0] !== '/' && path[0] !== '?'))
    throw new NotSent("the path is a string starting with '/' or '?' (it is resolved against \`url\`)")
  if (UNSAFE_PATH.test(path)) throw new NotSent('the path holds a control character')
  const options = given === undefined ? {} : given
  if (!isRecord(options)) throw new NotSent('the options are an object { headers, json, … }')
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.includes(key)) throw new NotSent('unknown option \`' + key + '\` (' + OPTION_KEYS.join(', ') + ')')
  }
  const name = requestName(method, path, options)
  const responseCallback = expectedOf(options.expectStatus)
  const headers = headersOf(options)
  const body = bodyOf(options, headers)
  // As on native, tags other than name are not recorded. k6 writes its url tag as the name when a request
  // has one: the path as given is a tag of its own.
  const tags = { name, path }
  if (groupPath !== '') tags.group = groupPath
  const target = path === '' ? spec.urlPath : (path[0] === '?' ? spec.pathname : spec.basePath) + path
  const params = { headers, tags, responseCallback, timeout: spec.timeoutMs + 'ms', redirects: 0, responseType: 'text' }
  return { name, url: origin + encodeTarget(target), body, params }
}

function responseOf(response, name) {
  const headers = {}
  for (const key of Object.keys(response.headers)) headers[key.toLowerCase()] = response.headers[key]
  const text = typeof response.body === 'string' ? response.body : ''
  return {
    status: response.status,
    headers,
    error: response.error === '' ? undefined : response.error,
    timings: { duration: response.timings.duration },
    text: () => text,
    json: () => JSON.parse(text),
    [ENDPOINT]: name,
  }
}

// This VU's state: k6 runs one iteration of a VU at a time, each VU in a JavaScript runtime of its own.
const vars = {}
const metricTypes = {}
let groupPath = ''
let started = user.onStart === undefined
let iteration = 0
let failedInARow = 0

async function request(method, path, given) {
  let prepared
  try {
    prepared = prepare(method, path, given)
  } catch (error) {
    if (!(error instanceof NotSent)) throw error
    const tags = { reason: 'step_function', message: error.message }
    notSentCount.add(1, Object.assign(tags, { name: requestName(method, path, isRecord(given) ? given : {}) }))
    throw error
  }
  const response = await http.asyncRequest(method, prepared.url, prepared.body, prepared.params)
  failedInARow = 0
  return responseOf(response, prepared.name)
}

function metric(name, type) {
  const known = metricTypes[name]
  if (known !== undefined && known !== type)
    throw new Error("metric '" + name + "' is a " + known + ', not a ' + String(type) + ': a name has one type')
  if (typeof name !== 'string' || !METRIC_NAME.test(name) || spec.builtInMetrics.includes(name))
    throw new Error('vu.metric: expected a name of letters, digits and _ that no built-in metric has, got ' + JSON.stringify(name))
  if (!Object.prototype.hasOwnProperty.call(customMetrics, type))
    throw new Error("vu.metric('" + name + "'): the type is 'trend', 'counter', 'rate' or 'gauge', not " + String(type))
  metricTypes[name] = type
  const tags = { metric: name }
  return {
    add(value) {
      if (type === 'rate' && typeof value === 'boolean') return customMetrics.rate.add(value, tags)
      if (typeof value !== 'number' || !Number.isFinite(value))
        throw new Error("metric '" + name + "': add() takes a finite number, got " + String(value))
      customMetrics[type].add(value, tags)
    },
  }
}

function checkOf(fn, value) {
  return () => {
    try {
      const verdict = fn(value)
      return verdict === true || (Boolean(verdict) && typeof verdict.then !== 'function')
    } catch (error) {
      return false
    }
  }
}

async function group(name, fn) {
  if (typeof name !== 'string' || name === '' || name.includes('::'))
    throw new Error('vu.group: a non-empty name without ::, got ' + JSON.stringify(name))
  const outer = groupPath
  groupPath = outer + '::' + name
  const began = Date.now()
  try {
    const value = await fn()
    groupDuration.add(Date.now() - began, { group: groupPath })
    return value
  } finally {
    groupPath = outer
  }
}

function virtualUser(setup) {
  return {
    id: exec.vu.idInTest - 1,
    iteration,
    vars,
    setup,
    request: (method, path, options) => request(method, path, options),
    get: (path, options) => request('GET', path, options),
    post: (path, options) => request('POST', path, options),
    put: (path, options) => request('PUT', path, options),
    patch: (path, options) => request('PATCH', path, options),
    del: (path, options) => request('DELETE', path, options),
    check(value, checks) {
      const sets = {}
      for (const name of Object.keys(checks)) {
        Object.defineProperty(sets, name, { value: checkOf(checks[name], value), enumerable: true })
      }
      const tags = {}
      if (value !== null && typeof value === 'object' && value[ENDPOINT] !== undefined) tags.name = value[ENDPOINT]
      if (groupPath !== '') tags.group = groupPath
      return check(value, sets, tags)
    },
    sleep(seconds) {
      if (typeof seconds !== 'number' || !(seconds >= 0)) throw new Error('vu.sleep takes seconds ≥ 0, got ' + String(seconds))
      sleep(seconds)
      return Promise.resolve()
    },
    group,
    metric,
  }
}

export function setup() {
  return spec.setup
}

export default async function (setupData) {
  groupPath = ''
  if (!started) {
    try {
      await user.onStart(virtualUser(setupData))
      started = true
    } catch (error) {
      onStartFailures.add(1)
      if (!(error instanceof NotSent)) notSentCount.add(1, { reason: 'step_function', message: 'onStart: ' + messageOf(error) })
      sleep(${ON_START_RETRY_MS / 1000})
      return
    }
  }
  if (rows.length > 0) Object.assign(vars, JSON.parse(rows[exec.scenario.iterationInTest % rows.length]))
  const vu = virtualUser(setupData)
  iteration++
  const began = Date.now()
  try {
    await user.default(vu)
    completed.add(1)
    iterationDuration.add(Date.now() - began)
  } catch (error) {
    failedIterations.add(1)
    if (!(error instanceof NotSent)) notSentCount.add(1, { reason: 'step_function', message: 'iteration: ' + messageOf(error) })
    failedInARow++
    // The native engine's back-off: ${FIRST_BACKOFF_MS} ms, doubling up to ${MAX_BACKOFF_MS} ms, until a request goes out.
    if (spec.backoff) sleep(Math.min(${MAX_BACKOFF_MS}, ${FIRST_BACKOFF_MS} * Math.pow(2, failedInARow - 1)) / 1000)
  }
}
`
