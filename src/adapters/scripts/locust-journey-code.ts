import { FIRST_BACKOFF_MS, MAX_BACKOFF_MS } from '../../engine/transports/backoff.ts'
import { ON_START_RETRY_MS } from '../../options/journey/think.ts'
import { LOCUST_COMMON_CODE } from './locust-common-code.ts'
import { LOCUST_VERDICT_CODE } from './locust-verdict-code.ts'

/** Environment variable naming the file the journey locustfile writes its iteration counts to at quit. */
export const LOCUST_JOURNEY_OUT_ENV = 'PERFSPEC_LOCUST_JOURNEY_OUT'

/** Prefixes of the failure messages the journey locustfile reports (the parser classifies them). */
export const LOCUST_STEP_ERRORS = {
  capture_failed: 'perfspec capture:',
} as const

/**
 * The locustfile's captures: a JSON body read by a path, a header, and a var's text in a template. One unit,
 * so a test runs it alone under python3.
 */
export const LOCUST_CAPTURE_CODE = `
# Conformance: test/fixtures/capture-paths.json is one table of captures that this code, the native engine's
# (src/options/journey/capture-path.ts) and the k6 script's (K6_CAPTURE_CODE) all answer alike. Values are
# read and written as JavaScript does: numbers are doubles written as String(n), objects as JSON.stringify.
MAX_EXACT_INT = 2 ** 53
ARRAY_INDEX = re.compile(r"0|[1-9][0-9]*")


def js_number_text(number):
    # JavaScript's Number#toString, from the shortest digits that read back as the same double (repr's).
    if isinstance(number, int) and -MAX_EXACT_INT <= number <= MAX_EXACT_INT:
        return str(number)
    number = float(number)
    if number == 0:
        return "0"
    mantissa, _, exponent = repr(abs(number)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).rstrip("0")
    point = len(whole) + int(exponent or 0)
    significant = digits.lstrip("0")
    point -= len(digits) - len(significant)
    digits = significant
    sign = "-" if number < 0 else ""
    if len(digits) <= point <= 21:
        return sign + digits + "0" * (point - len(digits))
    if 0 < point <= 21:
        return sign + digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return sign + "0." + "0" * -point + digits
    power = point - 1
    tail = "." + digits[1:] if len(digits) > 1 else ""
    return "%s%s%se%s%d" % (sign, digits[0], tail, "+" if power >= 0 else "-", abs(power))


def js_key_order(obj):
    # JavaScript lists an object's array-index keys first, ascending, then the others as inserted.
    indexes = [key for key in obj
               if len(key) <= 10 and ARRAY_INDEX.fullmatch(key) and int(key) < 4294967295]
    if not indexes:
        return list(obj)
    indexes.sort(key=int)
    chosen = set(indexes)
    return indexes + [key for key in obj if key not in chosen]


def json_text(value):
    # JSON.stringify's text: no spaces, Unicode kept, JavaScript's numbers and key order.
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        parts = []
        for key in js_key_order(value):
            parts.append(json.dumps(key, ensure_ascii=False) + ":" + json_text(value[key]))
        return "{" + ",".join(parts) + "}"
    if isinstance(value, list):
        parts = []
        for item in value:
            parts.append(json_text(item))
        return "[" + ",".join(parts) + "]"
    return text_of(value)


def text_of(value):
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (dict, list)):
        return json_text(value)
    return js_number_text(value)


def finite_number(text):
    number = float(text)
    if math.isinf(number):
        raise ValueError("a number past the double range")
    return number


def json_int(text):
    number = int(text)
    return number if -MAX_EXACT_INT <= number <= MAX_EXACT_INT else finite_number(text)


def not_json(name):
    raise ValueError("%s is not JSON" % name)


def parse_json_body(text):
    # As JavaScript's JSON.parse: no NaN or Infinity; numbers are doubles; past the double range, not JSON.
    return json.loads(text, parse_int=json_int, parse_float=finite_number, parse_constant=not_json)


def read_path(value, path):
    current = value
    for segment in path:
        if isinstance(segment, int) and not isinstance(segment, bool):
            if not isinstance(current, list) or segment >= len(current):
                return None, False
            current = current[segment]
        else:
            if not isinstance(current, dict) or segment not in current:
                return None, False
            current = current[segment]
    return current, True


def capture(step, response, into):
    decoded = None
    for item in step["captures"]:
        if item["from"] == "header":
            value = response.headers.get(item["name"]) if response.headers is not None else None
            found = value is not None
        else:
            if decoded is None:
                try:
                    decoded = (parse_json_body(response.text or ""), True)
                # Python's parser stops at about 1000 levels of nesting (RecursionError).
                except (ValueError, RecursionError):
                    decoded = (None, False)
            value, found = read_path(decoded[0], item["path"]) if decoded[1] else (None, False)
        if not found or value is None:
            return False
        into[item["var"]] = value
    return True
`

/**
 * The locustfile's named checks (after LOCUST_CAPTURE_CODE, whose readers they use): one unit, so a test runs
 * it alone under python3. A failed request is status 0, no headers, no body. Values compare as JavaScript's
 * `===` does: a boolean is not a number, a number is not a string.
 */
export const LOCUST_CHECK_CODE = `
# Conformance: test/fixtures/step-checks.json is one table of checks that this code, the native engine's
# (src/options/journey/step-checks.ts) and the k6 script's (K6_CHECK_CODE) all answer alike.
def same_value(value, expected):
    if isinstance(value, bool) or isinstance(expected, bool):
        return isinstance(value, bool) and isinstance(expected, bool) and value == expected
    if isinstance(value, str) or isinstance(expected, str):
        return isinstance(value, str) and isinstance(expected, str) and value == expected
    return isinstance(value, (int, float)) and isinstance(expected, (int, float)) and value == expected


def check_passes(check, status, headers, text, decoded):
    kind = check["kind"]
    if kind == "status":
        return status in check["statuses"]
    if kind == "body":
        return check["includes"] in (text or "")
    if kind == "header":
        value = headers.get(check["header"]) if headers is not None else None
        found = value is not None
    else:
        if "ok" not in decoded:
            try:
                decoded["value"] = parse_json_body(text or "")
                decoded["ok"] = True
            # Python's parser stops at about 1000 levels of nesting (RecursionError).
            except (ValueError, RecursionError):
                decoded["ok"] = False
        value, found = read_path(decoded["value"], check["path"]) if decoded["ok"] else (None, False)
        found = found and value is not None
    if not check["exists"]:
        return not found
    return found and ("equals" not in check or same_value(value, check["equals"]))
`

/**
 * The locustfile's scenario picks: the native engine's smooth weighted round robin (WeightedRoundRobin in
 * src/options/journey/scenario-order.ts), the same order.
 */
export const LOCUST_PICK_CODE = `
class RoundRobin:
    def __init__(self, weights):
        self.weights = weights
        self.credit = [0] * len(weights)
        self.total = sum(weights)

    def next(self):
        best = 0
        for index, weight in enumerate(self.weights):
            self.credit[index] += weight
            if self.credit[index] > self.credit[best]:
                best = index
        self.credit[best] -= self.total
        return best
`

/**
 * The code half of a journey locustfile: fixed Python after the one `SPEC = json.loads(r'''…''')` line.
 * - each task run is one iteration of a scenario, picked by one round robin per process over the weights
 *   (Locust's task weights); with `mix: 'per-user'`, one user class per scenario, `weight` from the
 *   scenario (Locust splits users by weight);
 * - a scenario's `onStart` runs before a user's first iteration of it (a shared one once per user), until
 *   it succeeds (the same scenario is tried again);
 * - data rows come from one iterator per process (round robin across its users);
 * - a step's named checks run on its response and go on;
 * - a step that fails (error, unexpected status, missing var, failed capture) ends the iteration; one never
 *   sent (a missing var) is not a request: counted apart, and the user backs off before its next iteration;
 * - iteration counts and durations, checks and requests never sent, per scenario, go to the master
 *   (report_to_master) and, at quit, to the file named by LOCUST_JOURNEY_OUT_ENV;
 * - an exported file judges its verdicts (LOCUST_VERDICT_CODE).
 */
export const LOCUST_JOURNEY_CODE = `
USER_INDEX = itertools.count()
ROWS = itertools.cycle(SPEC["data"]) if SPEC["data"] else None
VAR = re.compile(r"\\{\\{\\s*([A-Za-z_$][\\w$]*)\\s*\\}\\}")
# A step's request as every engine sends it (docs/journeys.md#what-goes-on-the-wire): controls refused; in the
# path only what a URI cannot carry percent-encoded (src/options/journey/request-target.ts); a header value
# trimmed of spaces and tabs at either end, and ASCII.
UNSAFE_PATH = re.compile(r"[\\x00-\\x1f\\x7f]")
UNSAFE_HEADER = re.compile(r"[^\\t\\x20-\\x7e]")
ESCAPE_OR_UNSAFE = re.compile(r"%[0-9A-Fa-f]{2}|[^A-Za-z0-9\\-._~!$&'()*+,;=:@/?\\[\\]]")
SURROGATE = re.compile("[\\ud800-\\udfff]")


class MissingVar(Exception):
    pass


def new_counts():
    # checks: step name -> check name -> [passes, fails]; notSent: step name -> reason -> [count, a message].
    return {"iterations": 0, "failedIterations": 0, "onStartFailures": 0, "durations": {},
            "checks": {}, "notSent": {}}


COUNTS = {scenario["name"]: new_counts() for scenario in SPEC["scenarios"]}
# What send() returns for a step that never went out: not a request, so nothing in Locust's stats.
NOT_SENT = "not sent"

${LOCUST_CAPTURE_CODE}
${LOCUST_COMMON_CODE}
${LOCUST_CHECK_CODE}
${LOCUST_PICK_CODE}
PICKER = RoundRobin([scenario["weight"] for scenario in SPEC["scenarios"]])

def rounded_ms(ms):
    # Like Locust's own buckets: whole ms below 100, then 2 significant digits.
    ms = int(round(ms))
    if ms < 100:
        return ms
    digits = len(str(ms)) - 2
    return int(round(ms, -digits))


def lookup(scope, name):
    if name in scope["vars"]:
        value = scope["vars"][name]
    elif name == "user":
        value = scope["user"]
    elif name == "iteration":
        value = scope["iteration"]
    else:
        raise MissingVar("{{%s}} names no var (captures, data row, user, iteration)" % name)
    return text_of(value)


def render(template, scope, as_json):
    parts = [template["strings"][0]]
    for index, name in enumerate(template["vars"]):
        value = lookup(scope, name)
        parts.append(json.dumps(value, ensure_ascii=False)[1:-1] if as_json else value)
        parts.append(template["strings"][index + 1])
    return "".join(parts)


def percent_encode(match):
    text = match.group(0)
    if len(text) == 3 and text[0] == "%":
        return text
    # A lone surrogate (JSON can hold one) as U+FFFD, as the native engine's Buffer encodes it.
    return "".join("%%%02X" % byte for byte in SURROGATE.sub("\\ufffd", text).encode("utf-8"))


def encode_target(target):
    encoded = ESCAPE_OR_UNSAFE.sub(percent_encode, target)
    query = encoded.find("?")
    return encoded[:-1] if query != -1 and query == len(encoded) - 1 else encoded


def is_expected(step, status):
    if step["expectStatus"] is None:
        return 200 <= status < 400
    return status in step["expectStatus"]


def record_checks(counts, step, status, headers, text):
    into = counts["checks"].setdefault(step["name"], {})
    decoded = {"value": None}
    for check in step["checks"]:
        tally = into.setdefault(check["name"], [0, 0])
        tally[0 if check_passes(check, status, headers, text, decoded) else 1] += 1


class JourneyUser(FastHttpUser):
    abstract = True
    # The journey's origin; \`locust --host\` points it elsewhere.
    host = SPEC["origin"]
    wait_time = constant(0)
    # One timeout per user class (geventhttpclient's): the longest step timeout.
    network_timeout = max(step["timeoutMs"] for scenario in SPEC["scenarios"]
                          for step in scenario["onStart"] + scenario["steps"]) / 1000
    connection_timeout = network_timeout
    # geventhttpclient counts attempts: 1 means no retry, so Locust's count is the server's count.
    max_retries = 1
    insecure = not SPEC["tls"]["verify"]
    ssl_context_factory = staticmethod(tls_context_factory(SPEC["tls"]))
    # A user class's own scenario (\`mix: 'per-user'\`); None: each iteration picks one.
    fixed = None

    def on_start(self):
        self.user_index = next(USER_INDEX)
        self.iteration = 0
        self.vars = {}
        self.scenario = self.fixed or SPEC["scenarios"][0]
        # The onStart slots this user completed, the scenario whose onStart failed, steps not sent in a row.
        self.started = set()
        self.retry = None
        self.unsent = 0

    def think(self):
        think = self.scenario["think"]
        if think["maxMs"] > 0:
            gevent.sleep((think["minMs"] + (think["maxMs"] - think["minMs"]) * random.random()) / 1000)

    def not_sent(self, step, reason, message):
        by_reason = COUNTS[self.scenario["name"]]["notSent"].setdefault(step["name"], {})
        by_reason.setdefault(reason, [0, message])[0] += 1
        self.unsent += 1
        return NOT_SENT

    def back_off(self):
        # The native engine's back-off: ${FIRST_BACKOFF_MS} ms, doubling to ${MAX_BACKOFF_MS} ms, while steps fail unsent.
        gevent.sleep(min(${MAX_BACKOFF_MS}, ${FIRST_BACKOFF_MS} * 2 ** (self.unsent - 1)) / 1000)

    def send(self, step):
        scope = {"user": self.user_index, "iteration": self.iteration, "vars": self.vars}
        try:
            path = render(step["path"], scope, False)
            headers = {name: render(value, scope, False).strip(" \\t") for name, value in step["headers"]}
            body = step["body"]
            if body["kind"] == "bytes":
                data = base64.b64decode(body["base64"])
            elif body["kind"] == "template":
                data = render(body["template"], scope, body["json"]).encode("utf-8")
            else:
                data = None
        except MissingVar as error:
            return self.not_sent(step, "template", "%s: %s" % (step["name"], error))
        # Writing a captured value nested deeper than Python recurses (about 1000 levels) as JSON text.
        except RecursionError:
            return self.not_sent(step, "template", "%s: a var nested too deep to write as text" % step["name"])
        if UNSAFE_PATH.search(path) or any(UNSAFE_HEADER.search(value) for value in headers.values()):
            return self.not_sent(step, "template", "%s: a rendered value cannot go out (a control character, "
                                 "or a header value that is not ASCII)" % step["name"])
        self.unsent = 0
        if path == "":
            url = encode_target(SPEC["urlPath"])
        else:
            url = encode_target((SPEC["pathname"] if path.startswith("?") else SPEC["basePath"]) + path)
        response = open_request(self.client, step["method"], url, step["name"], headers, data)
        if response is None:
            return False
        with response:
            # Status 0: no response (refused, reset, timeout); Locust then reports the transport exception.
            status = getattr(response, "status_code", 0) or 0
            if step["checks"]:
                record_checks(COUNTS[self.scenario["name"]], step, status,
                              response.headers if status else None, response.text if status else None)
            if not status:
                return False
            if not is_expected(step, status):
                response.failure("HTTP %d" % status)
                return False
            try:
                captured = capture(step, response, self.vars) if step["captures"] else True
            # A body the capture cannot read (a charset Python does not know, …) captures nothing.
            except Exception:
                captured = False
            if not captured:
                response.failure("${LOCUST_STEP_ERRORS.capture_failed} found nothing for %s" % ", ".join(
                    item["var"] for item in step["captures"]))
                return False
            response.success()
            return True

    @task
    def iterate(self):
        if self.retry is not None:
            self.scenario, self.retry = self.retry, None
        else:
            self.scenario = self.fixed or SPEC["scenarios"][PICKER.next()]
        counts = COUNTS[self.scenario["name"]]
        if self.scenario["onStartSlot"] not in self.started:
            for step in self.scenario["onStart"]:
                ok = self.send(step)
                self.think()
                if ok is not True:
                    counts["onStartFailures"] += 1
                    self.retry = self.scenario
                    # Retried at the next task run, after at least the native engine's pause.
                    if self.scenario["think"]["maxMs"] < ${ON_START_RETRY_MS}:
                        gevent.sleep(${ON_START_RETRY_MS / 1000})
                    return
            self.started.add(self.scenario["onStartSlot"])
        if ROWS is not None:
            self.vars.update(next(ROWS))
        began = time.time()
        for step in self.scenario["steps"]:
            ok = self.send(step)
            self.think()
            if ok is not True:
                counts["failedIterations"] += 1
                self.iteration += 1
                if ok is NOT_SENT:
                    self.back_off()
                return
        counts["iterations"] += 1
        bucket = str(rounded_ms((time.time() - began) * 1000))
        counts["durations"][bucket] = counts["durations"].get(bucket, 0) + 1
        self.iteration += 1


if SPEC["mix"] == "per-user":
    for index, scenario in enumerate(SPEC["scenarios"]):
        globals()["PerfspecJourney%d" % index] = type(
            "PerfspecJourney%d" % index, (JourneyUser,), {"weight": scenario["weight"], "fixed": scenario}
        )
else:
    class PerfspecJourney(JourneyUser):
        pass


def merge_counts(into, counts):
    for name, value in counts.items():
        target = into.setdefault(name, new_counts())
        for key in ("iterations", "failedIterations", "onStartFailures"):
            target[key] += value[key]
        for bucket, count in value["durations"].items():
            target["durations"][bucket] = target["durations"].get(bucket, 0) + count
        for step, checks in value["checks"].items():
            for check, tally in checks.items():
                into_tally = target["checks"].setdefault(step, {}).setdefault(check, [0, 0])
                into_tally[0] += tally[0]
                into_tally[1] += tally[1]
        for step, reasons in value["notSent"].items():
            for reason, tally in reasons.items():
                target["notSent"].setdefault(step, {}).setdefault(reason, [0, tally[1]])[0] += tally[0]


@events.report_to_master.add_listener
def report_counts(client_id, data, **kwargs):
    data["perfspec_journey"] = json.loads(json.dumps(COUNTS))
    for name in COUNTS:
        COUNTS[name] = new_counts()


@events.worker_report.add_listener
def collect_counts(client_id, data, **kwargs):
    merge_counts(COUNTS, data.get("perfspec_journey", {}))


STATE = {}


@events.init.add_listener
def remember_runner(environment, **kwargs):
    STATE["environment"] = environment


@events.quit.add_listener
def write_counts(**kwargs):
    out = os.environ.get("${LOCUST_JOURNEY_OUT_ENV}")
    environment = STATE.get("environment")
    # A worker has sent its counts to the master; only the master (or a standalone run) writes them.
    if environment is not None and isinstance(environment.runner, WorkerRunner):
        return
    if out:
        with open(out, "w", encoding="utf-8") as out_file:
            json.dump(COUNTS, out_file)
${LOCUST_VERDICT_CODE}`
