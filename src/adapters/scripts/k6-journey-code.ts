import { FIRST_BACKOFF_MS, MAX_BACKOFF_MS } from '../../engine/transports/backoff.ts'
import { K6_JOURNEY_METRICS } from '../../metrics/parsers/k6-journey-metrics.ts'
import { ON_START_RETRY_MS } from '../../options/journey/think.ts'
import { K6_FAILURE_CODE } from './k6-script.ts'

/**
 * The script's captures: a JSON body read by a path, a header, and a var's text in a template. One unit, so a
 * test runs it alone, in node:vm and in k6.
 */
export const K6_CAPTURE_CODE = `
// Conformance: test/fixtures/capture-paths.json is one table of captures that this code, the native engine's
// (src/options/journey/capture-path.ts) and the locustfile's (LOCUST_CAPTURE_CODE) all answer alike.
function textOf(value) {
  if (typeof value === 'string') return value
  if (typeof value === 'object' && value !== null) return JSON.stringify(value)
  return String(value)
}

// k6's parser refuses a number past the double range (1e400); the check keeps the code's meaning in any engine.
const MAYBE_PAST_DOUBLES = /\\d{210}|[eE]\\+?\\d{3}/

function finiteNumber(key, value) {
  if (typeof value === 'number' && !isFinite(value)) throw new SyntaxError('a number past the double range')
  return value
}

function parseJsonBody(text) {
  return MAYBE_PAST_DOUBLES.test(text) ? JSON.parse(text, finiteNumber) : JSON.parse(text)
}

function readPath(value, path) {
  let current = value
  for (const segment of path) {
    if (typeof current !== 'object' || current === null) return undefined
    if (typeof segment === 'number') {
      if (!Array.isArray(current)) return undefined
      current = current[segment]
    } else {
      // A JSON array has no named fields (\`length\` is not data).
      if (Array.isArray(current) || !Object.prototype.hasOwnProperty.call(current, segment)) return undefined
      current = current[segment]
    }
  }
  return current
}

function readHeader(response, name) {
  for (const key of Object.keys(response.headers)) if (key.toLowerCase() === name) return response.headers[key]
  return undefined
}

function capture(step, response, vars) {
  let decoded
  for (const item of step.captures) {
    let value
    if (item.from === 'header') value = readHeader(response, item.name)
    else {
      if (decoded === undefined) {
        try {
          decoded = { value: parseJsonBody(response.body) }
        } catch (error) {
          decoded = { value: undefined }
        }
      }
      value = readPath(decoded.value, item.path)
    }
    if (value === undefined || value === null) return false
    vars[item.var] = value
  }
  return true
}
`

/**
 * The scenario order of a journey script: the native engine's smooth weighted round robin
 * (src/options/journey/scenario-order.ts), computed from the weights once, in k6's first init context, so
 * that no file or literal holds one entry per slot (weights 1:1,000,000 would make a million).
 */
export const K6_SCENARIO_ORDER_CODE = `
function scenarioOrder(weights, count) {
  const total = weights.reduce((sum, weight) => sum + weight, 0)
  const current = weights.map(() => 0)
  const order = []
  for (let slot = 0; slot < Math.min(count, total); slot++) {
    let best = 0
    for (let index = 0; index < weights.length; index++) {
      current[index] += weights[index]
      if (current[index] > current[best]) best = index
    }
    current[best] -= total
    order.push(best)
  }
  return order
}
`

/**
 * The script's named checks (after K6_CAPTURE_CODE, whose readers they use): one unit, so a test runs it
 * alone, in node:vm and in k6. A failed request is status 0, no headers, no body.
 */
export const K6_CHECK_CODE = `
// Conformance: test/fixtures/step-checks.json is one table of checks that this code, the native engine's
// (src/options/journey/step-checks.ts) and the locustfile's (LOCUST_CHECK_CODE) all answer alike.
function checkPasses(check, response, decoded) {
  if (check.kind === 'status') return check.statuses.indexOf(response.status) !== -1
  if (check.kind === 'body') return typeof response.body === 'string' && response.body.indexOf(check.includes) !== -1
  let value
  if (check.kind === 'header') value = readHeader({ headers: response.headers || {} }, check.header)
  else {
    if (!decoded.read) {
      decoded.read = true
      try {
        decoded.value = parseJsonBody(response.body)
        decoded.ok = true
      } catch (error) {
        decoded.ok = false
      }
    }
    value = decoded.ok ? readPath(decoded.value, check.path) : undefined
  }
  const found = value !== undefined && value !== null
  if (!check.exists) return !found
  return found && (check.equals === undefined || value === check.equals)
}
`

/**
 * The code half of a journey script: fixed JavaScript. Above it, `spec` is the journey as one JSON value and
 * `rowLines()` the data rows, one JSON text per line (K6_JOURNEY_SOURCES); every URL, header, body,
 * template and capture is read from them, never spliced into code.
 * - a VU is user `idInTest - 1`; each iteration picks its scenario by its index in the test (the native
 *   engine's weighted round robin, computed by K6_SCENARIO_ORDER_CODE), or, with `mix: 'per-user'` in a
 *   closed model, a VU keeps the scenario its index picks;
 * - a scenario's `onStart` runs before a VU's first iteration of it (a shared one once per VU); a failure is
 *   counted and retried, with the same scenario, at the VU's next iteration;
 * - each iteration takes the next data row (by its index in the test, round robin); row fields overwrite vars;
 * - a step's named checks run on its response (k6's check, tagged with the step's name) and go on;
 * - a step that fails (error, unexpected status, missing var, failed capture) ends the iteration; a failed
 *   response is counted by type (K6_FAILURE_CODE) for the whole run; one never sent (a missing var) is
 *   counted apart, and in a closed model the VU backs off before its next iteration.
 */
export const K6_JOURNEY_CODE = `
// Read once for all VUs (k6 runs a SharedArray's function in its first init context only).
const rows = new SharedArray('perfspec-rows', () => {
  const text = rowLines()
  return text === '' ? [] : text.split('\\n')
})
${K6_SCENARIO_ORDER_CODE}
const order = new SharedArray('perfspec-order', () =>
  scenarioOrder(spec.journey.scenarios.map((scenario) => scenario.weight), spec.orderLength),
)
const journey = spec.journey
// Where the load goes: the journey's origin, or PERFSPEC_ORIGIN (k6 run -e PERFSPEC_ORIGIN=https://staging…).
const origin = __ENV.PERFSPEC_ORIGIN || journey.origin
exports.options = spec.options
${K6_FAILURE_CODE}
const stepErrors = new Counter('${K6_JOURNEY_METRICS.stepErrors}')
const completed = new Counter('${K6_JOURNEY_METRICS.completed}')
const failedIterations = new Counter('${K6_JOURNEY_METRICS.failed}')
const journeyDuration = new Trend('${K6_JOURNEY_METRICS.duration}', true)
const onStartFailures = new Counter('${K6_JOURNEY_METRICS.onStartFailures}')
const notSentCount = new Counter('${K6_JOURNEY_METRICS.notSent}')

function prepare(step) {
  const needsBody =
    step.captures.some((capture) => capture.from === 'json') ||
    step.checks.some((check) => check.kind === 'json' || check.kind === 'body')
  const params = {
    timeout: step.timeoutMs + 'ms',
    redirects: 0,
    tags: { name: step.name },
    responseType: needsBody ? 'text' : 'none',
    responseCallback:
      step.expectStatus === null
        ? http.expectedStatuses({ min: 200, max: 399 })
        : http.expectedStatuses(...step.expectStatus),
  }
  const bytes = step.body.kind === 'bytes' ? encoding.b64decode(step.body.base64) : null
  return Object.assign({}, step, { params, bytes, checkTags: { name: step.name } })
}
const scenarios = journey.scenarios.map((scenario) =>
  Object.assign({}, scenario, { onStart: scenario.onStart.map(prepare), steps: scenario.steps.map(prepare) }),
)
// The native engine's smooth weighted round robin: any run of consecutive slots splits as closely as it can.
function pick(slot) {
  return scenarios[order[slot % order.length]]
}

class MissingVar extends Error {}
${K6_CAPTURE_CODE}
${K6_CHECK_CODE}
function lookup(scope, name) {
  let value
  if (Object.prototype.hasOwnProperty.call(scope.vars, name)) value = scope.vars[name]
  else if (name === 'user') value = scope.user
  else if (name === 'iteration') value = scope.iteration
  if (value === undefined) throw new MissingVar('{{' + name + '}} names no var (captures, data row, user, iteration)')
  return textOf(value)
}

function render(template, scope, json) {
  let text = template.strings[0]
  for (let i = 0; i < template.vars.length; i++) {
    const value = lookup(scope, template.vars[i])
    text += (json ? JSON.stringify(value).slice(1, -1) : value) + template.strings[i + 1]
  }
  return text
}

// A step's request as every engine sends it (docs/journeys.md#what-goes-on-the-wire): controls refused; in the
// path only what a URI cannot carry percent-encoded (src/options/journey/request-target.ts); a header value
// trimmed of spaces and tabs at either end, and ASCII.
const UNSAFE_PATH = /[\\u0000-\\u001f\\u007f]/
const UNSAFE_HEADER = /[^\\u0009\\u0020-\\u007e]/
const ESCAPE_OR_UNSAFE = /%[0-9A-Fa-f]{2}|[\\uD800-\\uDBFF][\\uDC00-\\uDFFF]|[^A-Za-z0-9\\-._~!$&'()*+,;=:@/?[\\]]/g

function percentEncode(match) {
  if (match.length === 3 && match[0] === '%') return match
  try {
    return encodeURIComponent(match)
  } catch (error) {
    return '%EF%BF%BD' // a lone surrogate, as U+FFFD (as the native engine's Buffer encodes it)
  }
}

function encodeTarget(target) {
  const encoded = target.replace(ESCAPE_OR_UNSAFE, percentEncode)
  const query = encoded.indexOf('?')
  return query !== -1 && query === encoded.length - 1 ? encoded.slice(0, -1) : encoded
}

function fail(step, type) {
  stepErrors.add(1, { name: step.name, type })
  return false
}

// What send() returns for a step that never went out: not a request, so nothing in http_reqs.
const NOT_SENT = 'not sent'
let unsent = 0

function notSent(step, reason) {
  notSentCount.add(1, { name: step.name, reason })
  unsent++
  return NOT_SENT
}

// The native engine's back-off: ${FIRST_BACKOFF_MS} ms, doubling up to ${MAX_BACKOFF_MS} ms, while steps fail before they are sent.
function backOff() {
  if (spec.backoff) sleep(Math.min(${MAX_BACKOFF_MS}, ${FIRST_BACKOFF_MS} * Math.pow(2, unsent - 1)) / 1000)
}

function runChecks(step, response) {
  const decoded = { read: false, ok: false, value: undefined }
  const sets = {}
  for (const item of step.checks) {
    // defineProperty: a check named __proto__ stays a check.
    Object.defineProperty(sets, item.name, {
      value: () => checkPasses(item, response, decoded),
      enumerable: true,
    })
  }
  check(response, sets, step.checkTags)
}

function send(step, scope) {
  let path
  const headers = {}
  let body = step.bytes
  try {
    path = render(step.path, scope, false)
    for (const [name, template] of step.headers) {
      const value = render(template, scope, false).replace(/^[\\t ]+|[\\t ]+$/g, '')
      // Defined, not assigned: a header named __proto__ is a header, not the object's prototype.
      Object.defineProperty(headers, name, { value, enumerable: true })
    }
    if (step.body.kind === 'template') body = render(step.body.template, scope, step.body.json)
  } catch (error) {
    if (error instanceof MissingVar) return notSent(step, 'template')
    throw error
  }
  if (UNSAFE_PATH.test(path)) return notSent(step, 'template')
  for (const name of Object.keys(headers)) if (UNSAFE_HEADER.test(headers[name])) return notSent(step, 'template')
  const url =
    origin +
    encodeTarget(path === '' ? journey.urlPath : (path[0] === '?' ? journey.pathname : journey.basePath) + path)
  const response = http.request(step.method, url, body, Object.assign({}, step.params, { headers }))
  unsent = 0
  if (step.checks.length > 0) runChecks(step, response)
  const expected = step.expectStatus === null
    ? response.status >= 200 && response.status <= 399
    : step.expectStatus.includes(response.status)
  if (!expected) {
    failures[failureType(response)].add(1)
    return false
  }
  if (step.captures.length > 0 && !capture(step, response, scope.vars)) return fail(step, 'capture_failed')
  return true
}

function think(range) {
  if (range.maxMs <= 0) return
  sleep((range.minMs + (range.maxMs - range.minMs) * Math.random()) / 1000)
}

// The onStart slots this VU completed, and the scenario whose onStart failed (its next iteration's).
const started = {}
let retry = null
let iteration = 0
const vars = {}

exports.setup = function () {
  return journey.setup
}

exports.default = function () {
  const user = exec.vu.idInTest - 1
  const scenario = retry || pick(spec.split === 'user' ? user : exec.scenario.iterationInTest)
  retry = null
  exec.vu.tags.scenario = scenario.name
  const scope = { user, iteration, vars }
  if (!started[scenario.onStartSlot]) {
    for (const step of scenario.onStart) {
      const ok = send(step, scope)
      think(scenario.think)
      if (ok !== true) {
        onStartFailures.add(1)
        retry = scenario
        // Retried at this VU's next iteration, after at least the native engine's pause.
        if (scenario.think.maxMs < ${ON_START_RETRY_MS}) sleep(${ON_START_RETRY_MS / 1000})
        return
      }
    }
    started[scenario.onStartSlot] = true
  }
  if (rows.length > 0) Object.assign(vars, JSON.parse(rows[exec.scenario.iterationInTest % rows.length]))
  const began = Date.now()
  for (const step of scenario.steps) {
    const ok = send(step, scope)
    think(scenario.think)
    if (ok !== true) {
      failedIterations.add(1)
      iteration++
      if (ok === NOT_SENT) backOff()
      return
    }
  }
  completed.add(1)
  journeyDuration.add(Date.now() - began)
  iteration++
}
`
