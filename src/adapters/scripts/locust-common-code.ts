import type { ResolvedTls } from '../../options/tls.ts'

/** How the generated locustfiles verify certificates: the run's `tls`, as JSON data. */
export interface LocustTls {
  verify: boolean
  /** PEM text of the CAs to trust instead of the default roots; null: the default roots. */
  ca: string | null
}

/** The run's `tls` for a generated locustfile (assertLocustSupports refused what it cannot carry). */
export function locustTls(tls: ResolvedTls | undefined): LocustTls {
  return {
    verify: tls?.rejectUnauthorized ?? true,
    ca: tls?.ca === undefined ? null : tls.ca.join('\n'),
  }
}

/** The prefix of the failure a generated locustfile reports when Locust's client raised (the parser reads it). */
export const LOCUST_CLIENT_RAISED = 'perfspec client raised:'

/**
 * Python shared by both generated locustfiles (needs `time`, `gevent.ssl`, `events` and
 * `ResponseContextManager` imported):
 * - `tls_context_factory(tls)`: an `ssl_context_factory` for FastHttpUser, which verifies nothing unless told
 *   (`insecure = True` by default), so a locustfile verifies like the native engine and k6 do;
 * - `open_request(...)`: every request counted exactly once. Locust's client raises on some responses (a 1xx
 *   interim response, a HEAD answered with a body) before Locust counts the request, and for a body cut
 *   short it counts the request itself and returns a plain response that is no context manager.
 */
export const LOCUST_COMMON_CODE = `
def tls_context_factory(tls):
    def context(cafile=None):
        if not tls["verify"]:
            unverified = gevent.ssl.create_default_context()
            unverified.check_hostname = False
            unverified.verify_mode = gevent.ssl.CERT_NONE
            return unverified
        if tls["ca"] is not None:
            # Like Node's \`ca\`: these CAs instead of the default roots.
            return gevent.ssl.create_default_context(cadata=tls["ca"])
        return gevent.ssl.create_default_context(cafile=cafile)
    return context


def count_raised(method, name, began, error):
    events.request.fire(
        request_type=method,
        name=name,
        response_time=int((time.perf_counter() - began) * 1000),
        response_length=0,
        response=None,
        context={},
        exception=Exception("${LOCUST_CLIENT_RAISED} %s: %s" % (type(error).__name__, error)),
    )


def open_request(client, method, url, name, headers, data):
    """The request's ResponseContextManager, or None when the request is counted already (as failed)."""
    began = time.perf_counter()
    try:
        response = client.request(
            method, url, headers=headers, data=data, name=name, allow_redirects=False, catch_response=True,
        )
    except Exception as error:
        count_raised(method, name, began, error)
        return None
    return response if isinstance(response, ResponseContextManager) else None
`
