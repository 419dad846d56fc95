import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { unusedPort } from '../servers.ts'
import {
  type ConformanceServer,
  countLines,
  firstExisting,
  type ServerKind,
  settledCount,
  startProcess,
  tempDir,
  waitForPort,
} from './server-process.ts'

const asRoot = process.getuid?.() === 0
const NGINX = firstExisting(['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx'])
const APACHE = firstExisting(['/usr/sbin/apache2', '/usr/sbin/httpd', '/usr/local/apache2/bin/httpd'])
const APACHE_MODULES = firstExisting(['/usr/lib/apache2/modules', '/usr/lib64/httpd/modules'])

/** nginx, one worker, answering `200 ok` to any method; counted by its access log. */
export const nginx: ServerKind = {
  name: 'nginx',
  requires: 'nginx',
  acceptsPost: true,
  missing: () => (NGINX === undefined ? 'nginx not installed (apt-get install nginx-light)' : undefined),
  start: () => startNginx(''),
}

/** nginx speaking HTTP/2 without TLS (h2c, prior knowledge) on its port; the access log has the protocol. */
export const nginxH2c: ServerKind = { ...nginx, name: 'nginx (h2c)', start: () => startNginx(' http2') }

async function startNginx(listenFlags: string): Promise<ConformanceServer> {
  const { dir, remove } = tempDir('perfspec-nginx-')
  const port = await unusedPort()
  const log = join(dir, 'access.log')
  writeFileSync(
    join(dir, 'nginx.conf'),
    `${asRoot ? 'user root;' : ''} worker_processes 1; daemon off; pid ${dir}/nginx.pid; error_log ${dir}/error.log;
events { worker_connections 1024; }
http { log_format plain '$server_protocol $status'; access_log ${log} plain; keepalive_requests 100000; keepalive_timeout 60s;
  client_body_temp_path ${dir}; proxy_temp_path ${dir}; fastcgi_temp_path ${dir}; uwsgi_temp_path ${dir}; scgi_temp_path ${dir};
  server { listen 127.0.0.1:${port}${listenFlags}; location / { return 200 'ok'; } } }\n`,
  )
  const server = startProcess(NGINX!, ['-c', join(dir, 'nginx.conf'), '-p', dir])
  await waitForPort(port, server.child, server.stdout)
  return {
    url: `http://127.0.0.1:${port}/`,
    served: () => settledCount(() => countLines(log)),
    protocols: () => protocolsIn(log),
    close: async () => {
      await server.stop()
      remove()
    },
  }
}

/** The protocols an access log in the `plain` format recorded, counted. */
function protocolsIn(log: string): Record<string, number> {
  const counts: Record<string, number> = {}
  if (!existsSync(log)) return counts
  for (const line of readFileSync(log, 'utf8').split('\n').filter(Boolean)) {
    const protocol = line.split(' ')[0]!
    counts[protocol] = (counts[protocol] ?? 0) + 1
  }
  return counts
}

/** Apache httpd (event MPM) serving a static `ok`; counted by its access log. Static files answer GET/HEAD. */
export const apache: ServerKind = {
  name: 'Apache httpd',
  requires: 'apache2',
  acceptsPost: false,
  missing: () =>
    APACHE === undefined || APACHE_MODULES === undefined
      ? 'Apache httpd not installed (apt-get install apache2)'
      : undefined,
  async start(): Promise<ConformanceServer> {
    const { dir, remove } = tempDir('perfspec-apache-')
    chmodSync(dir, 0o755)
    const port = await unusedPort()
    const log = join(dir, 'access.log')
    writeFileSync(join(dir, 'index.html'), 'ok')
    const modules = ['mpm_event', 'authz_core', 'dir']
    writeFileSync(
      join(dir, 'httpd.conf'),
      `${modules.map((m) => `LoadModule ${m}_module ${APACHE_MODULES}/mod_${m}.so`).join('\n')}
${asRoot ? 'User www-data\nGroup www-data' : ''}
ServerName 127.0.0.1
Listen 127.0.0.1:${port}
PidFile ${dir}/httpd.pid
ErrorLog ${dir}/error.log
LogFormat "%r %>s" plain
CustomLog ${log} plain
DocumentRoot ${dir}
DirectoryIndex index.html
KeepAlive On
MaxKeepAliveRequests 0
KeepAliveTimeout 30
StartServers 1
ServerLimit 1
ThreadsPerChild 25
MaxRequestWorkers 25
<Directory ${dir}>
  Require all granted
</Directory>
`,
    )
    const server = startProcess(APACHE!, ['-f', join(dir, 'httpd.conf'), '-DFOREGROUND'], {
      env: { ...process.env, APACHE_RUN_DIR: dir, APACHE_LOG_DIR: dir, APACHE_LOCK_DIR: dir },
    })
    await waitForPort(port, server.child, server.stdout)
    return {
      url: `http://127.0.0.1:${port}/`,
      served: () => settledCount(() => countLines(log)),
      close: async () => {
        await server.stop()
        remove()
      },
    }
  },
}
