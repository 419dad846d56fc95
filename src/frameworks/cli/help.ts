/** `perfspec --help`. */
export const HELP = `perfspec: load-test a URL with the engine and result model of perfspec's loadTest

Usage
  perfspec URL [flags]                 one load run against URL
  perfspec run FILE [flags]            the options of loadTest from a JSON or YAML file (flags override)
  perfspec export FILE --k6|--locust   that file as a standalone k6 script or locustfile, on stdout
  perfspec compare --base REF [FILES]  the perf specs of a git ref against the working tree, in A/B rounds
                                       (perfspec compare --help)

Load
  -u, --users N          concurrent virtual users (closed model)       alias -c, --connections   [10]
  -d, --duration D       how long: 30 (seconds), 500ms, 30s, 2m, 1m30s                            [10s]
  -n, --requests N       stop after N requests in total (whichever of -d / -n comes first)
      --rate R           open model: R requests per second
  -m, --method M         GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS                             [GET]
  -H, --header 'k: v'    a request header (repeatable)
  -b, --body TEXT        the request body, sent as is
      --tool T           auto, native, k6, ab, locust                                             [auto]
      --transport T      native engine: fast or undici                                            [fast]
      --workers N        native engine: worker threads; Locust: worker processes
      --timeout D        per-request timeout                                                       [30s]
      --name NAME        the run's name in reports                                      [the URL's path]

Pass / fail
      --threshold EXPR   a k6 threshold (repeatable): 'p(95)<200' reads http_req_duration;
                         'http_req_failed: rate<0.01' and 'http_reqs: rate>100' name their metric

Output
      --json             print the LoadTestResult as JSON on stdout (the table goes to stderr)
      --html FILE        write the HTML report
      --junit FILE       write a JUnit XML report
  -q, --quiet            no progress line, no table
      --no-color         no colors (NO_COLOR and FORCE_COLOR are read too)
  -h, --help             this help
  -v, --version          perfspec's version

Export
      --k6               export FILE as a k6 script (k6 run, k6-operator, Grafana Cloud k6)
      --locust           export FILE as a locustfile (locust -f; the load shape stays on its command line)

Exit codes
  0 every threshold passed   1 a threshold failed (or a report was not written)
  2 bad input (nothing was sent)   130 interrupted (Ctrl-C)   143 terminated (SIGTERM)

Examples
  perfspec http://127.0.0.1:3000/users -u 50 -d 30s
  perfspec http://127.0.0.1:3000/users --rate 500 -d 1m --json > result.json
  perfspec http://127.0.0.1:3000/users -u 20 -d 10s --threshold 'p(95)<200' --html report.html
  perfspec run journey.yaml
  perfspec export journey.yaml --k6 > script.js
`
