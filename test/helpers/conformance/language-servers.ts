import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  type ConformanceServer,
  countEndpoint,
  firstExisting,
  printedPort,
  type ServerKind,
  settledCount,
  startProcess,
  tempDir,
} from './server-process.ts'

const GO = firstExisting(['/usr/bin/go', '/usr/local/go/bin/go', '/usr/lib/go/bin/go'])
// Debian's python3 has Debian's aiohttp; a pyenv shim on PATH may not.
const PYTHON = firstExisting(['/usr/bin/python3', '/usr/local/bin/python3'])

function hasPythonModule(module: string): boolean {
  if (PYTHON === undefined) return false
  try {
    execFileSync(PYTHON, ['-c', `import ${module}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

const GO_SERVER = `package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"sync/atomic"
)

func main() {
	var count int64
	mux := http.NewServeMux()
	mux.HandleFunc("/__count", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, atomic.LoadInt64(&count))
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		atomic.AddInt64(&count, 1)
		io.Copy(io.Discard, r.Body)
		w.Write([]byte("ok"))
	})
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	fmt.Println(listener.Addr().(*net.TCPAddr).Port)
	http.Serve(listener, mux)
}
`

/** The Go build cache, kept between runs in the temp folder: a cold build of net/http takes a while. */
const GO_CACHE = join(tmpdir(), 'perfspec-go-cache')

/** A Go net/http server, built in a temp folder (its build cache in the temp folder too). */
export const goNetHttp: ServerKind = {
  name: 'Go net/http',
  requires: 'go',
  acceptsPost: true,
  missing: () => (GO === undefined ? 'go not installed (apt-get install golang-go)' : undefined),
  async start(): Promise<ConformanceServer> {
    const { dir, remove } = tempDir('perfspec-go-')
    writeFileSync(join(dir, 'main.go'), GO_SERVER)
    mkdirSync(GO_CACHE, { recursive: true })
    const env = {
      ...process.env,
      GOCACHE: GO_CACHE,
      GOPATH: join(dir, 'gopath'),
      GO111MODULE: 'off',
      GOFLAGS: '',
    }
    execFileSync(GO!, ['build', '-o', join(dir, 'server'), join(dir, 'main.go')], {
      cwd: dir,
      env,
      stdio: 'ignore',
      timeout: 180_000,
    })
    const server = startProcess(join(dir, 'server'), [])
    const port = await printedPort(server.child)
    const url = `http://127.0.0.1:${port}/`
    return {
      url,
      served: () => settledCount(() => countEndpoint(url)),
      close: async () => {
        await server.stop()
        remove()
      },
    }
  },
}

const PYTHON_HTTP_SERVER = `import sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

count = 0
lock = threading.Lock()

class Handler(BaseHTTPRequestHandler):
    protocol_version = sys.argv[1]
    # The head and the body go out in two writes: without this, each keep-alive response waits ~40 ms
    # for the client's delayed ACK.
    disable_nagle_algorithm = True

    def answer(self, body):
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def handle_one(self):
        global count
        if self.path == "/__count":
            self.answer(str(count).encode())
            return
        with lock:
            count += 1
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.answer(b"ok")

    do_GET = do_POST = do_HEAD = handle_one

    def log_message(self, *args):
        pass

server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
server.serve_forever()
`

/**
 * Python's http.server (ThreadingHTTPServer) speaking `protocol` — 'HTTP/1.1' keeps connections alive,
 * 'HTTP/1.0' closes after each response.
 */
export function pythonHttpServer(protocol: 'HTTP/1.1' | 'HTTP/1.0'): ServerKind {
  return {
    name: `Python http.server (${protocol})`,
    requires: 'python3',
    acceptsPost: true,
    missing: () => (PYTHON === undefined ? 'python3 not installed' : undefined),
    start: () => startPython('perfspec-python-', PYTHON_HTTP_SERVER, [protocol]),
  }
}

const AIOHTTP_SERVER = `import asyncio, socket
from aiohttp import web

count = 0

async def handle(request):
    global count
    if request.path == "/__count":
        return web.Response(text=str(count))
    count += 1
    await request.read()
    return web.Response(text="ok")

async def main():
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    site = web.SockSite(runner, sock)
    await site.start()
    print(sock.getsockname()[1], flush=True)
    await asyncio.Event().wait()

asyncio.run(main())
`

/** aiohttp's web server (asyncio). */
export const aiohttp: ServerKind = {
  name: 'aiohttp',
  requires: 'aiohttp',
  acceptsPost: true,
  missing: () =>
    hasPythonModule('aiohttp') ? undefined : 'aiohttp not installed (apt-get install python3-aiohttp)',
  start: () => startPython('perfspec-aiohttp-', AIOHTTP_SERVER, []),
}

async function startPython(prefix: string, source: string, args: string[]): Promise<ConformanceServer> {
  const { dir, remove } = tempDir(prefix)
  const script = join(dir, 'server.py')
  writeFileSync(script, source)
  const server = startProcess(PYTHON!, [script, ...args])
  const port = await printedPort(server.child)
  const url = `http://127.0.0.1:${port}/`
  return {
    url,
    served: () => settledCount(() => countEndpoint(url)),
    close: async () => {
      await server.stop()
      if (existsSync(dir)) remove()
    },
  }
}
