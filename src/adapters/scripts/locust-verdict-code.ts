/**
 * The journey locustfile's verdicts (after the journey code, whose COUNTS and STATE it reads): SPEC["verdicts"]
 * judged over Locust's stats, as the native engine judges thresholds (src/options/thresholds.ts): a run or
 * endpoint with no request fails every verdict, and one in which no check ran fails a `checks` one. At quit
 * (a standalone run or the master; never a worker) each verdict is a line on stderr and one that fails sets
 * the exit code to 1; those with `abortAfterS` are judged every second from then on and stop the run when
 * breached. Empty for perfspec's own runs, which judge in Node.
 */
export const LOCUST_VERDICT_CODE = `
def verdict_entry(stats, verdict):
    if "name" not in verdict:
        return stats.total
    # Locust keys its entries by name and method: an endpoint is every entry of its name.
    merged = StatsEntry(stats, verdict["name"], "")
    for (name, _method), entry in list(stats.entries.items()):
        if name == verdict["name"]:
            merged.extend(entry)
    return merged


def check_tally(verdict):
    passes = fails = 0
    for counts in COUNTS.values():
        for step, checks in counts["checks"].items():
            if "name" in verdict and step != verdict["name"]:
                continue
            for tally in checks.values():
                passes += tally[0]
                fails += tally[1]
    return passes, fails


def verdict_actual(stats, verdict):
    # The value judged, and whether there was anything to judge.
    reading = verdict["reading"]
    if reading == "checks":
        passes, fails = check_tally(verdict)
        return (passes / (passes + fails) if passes + fails else 0), passes + fails > 0
    entry = verdict_entry(stats, verdict)
    judgeable = entry.num_requests > 0
    if reading == "percentile":
        return entry.get_response_time_percentile(verdict["fraction"]), judgeable
    if reading == "avg":
        return entry.avg_response_time, judgeable
    if reading == "min":
        return entry.min_response_time or 0, judgeable
    if reading == "max":
        return entry.max_response_time, judgeable
    if reading == "fail_ratio":
        return entry.fail_ratio, judgeable
    if reading == "fail_percent":
        return entry.fail_ratio * 100, judgeable
    if reading == "rps":
        return entry.total_rps, judgeable
    if reading == "count":
        return entry.num_requests, judgeable
    return entry.num_requests - entry.num_failures, True


COMPARE = {
    "<": lambda actual, limit: actual < limit,
    "<=": lambda actual, limit: actual <= limit,
    ">": lambda actual, limit: actual > limit,
    ">=": lambda actual, limit: actual >= limit,
    "==": lambda actual, limit: actual == limit,
}


def judge(stats, verdict):
    actual, judgeable = verdict_actual(stats, verdict)
    return actual, judgeable and COMPARE[verdict["comparison"]](actual, verdict["limit"])


def number_text(value):
    return ("%.3f" % value).rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def is_worker(environment):
    return isinstance(environment.runner, WorkerRunner)


@events.test_start.add_listener
def watch_aborting_verdicts(environment, **kwargs):
    aborting = [verdict for verdict in SPEC["verdicts"] if "abortAfterS" in verdict]
    if not aborting or is_worker(environment):
        return

    def watch():
        began = time.time()
        while True:
            gevent.sleep(1)
            for verdict in aborting:
                # Not yet judged before its delay, nor on an endpoint that has had no request yet.
                if time.time() - began < verdict["abortAfterS"] or not verdict_actual(environment.stats, verdict)[1]:
                    continue
                actual, passed = judge(environment.stats, verdict)
                if not passed:
                    sys.stderr.write("perfspec: %s breached (%s): stopping the run (abortOnFail)\\n"
                                     % (verdict["expression"], number_text(actual)))
                    STATE["aborted"] = True
                    environment.runner.quit()
                    return

    gevent.spawn(watch)


@events.quitting.add_listener
def judge_verdicts(environment, **kwargs):
    if not SPEC["verdicts"] or is_worker(environment):
        return
    failed = STATE.get("aborted", False)
    for verdict in SPEC["verdicts"]:
        actual, passed = judge(environment.stats, verdict)
        failed = failed or not passed
        sys.stderr.write("%s %s: %s\\n" % ("\\u2713" if passed else "\\u2717", verdict["expression"], number_text(actual)))
    if failed:
        environment.process_exit_code = 1
`
