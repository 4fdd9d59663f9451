// Run a local AT Protocol network (PLC + PDS + AppView, plus the Ozone and
// bsync services that @atproto/dev-env's TestNetwork always brings up) on
// 127.0.0.1, until SIGTERM / SIGINT / SIGHUP, end of stdin, or the parent
// process going away.
//
// Launched by start.sh, which provides:
//   SANDBOX_DB_URL_FILE  a file that appears, holding the URL of a private
//                     PostgreSQL cluster, once that is up (or DB_POSTGRES_URL)
//   REDIS_HOST        any value; dev-env asserts it is set, nothing connects
//   TMPDIR            a directory of its own (PDS data, blobs, port locks)
//   fd 3              where the single JSON line with the URLs is written;
//                     fd 1 is pointed at stderr, so stray library output
//                     cannot corrupt the protocol.
// Optional:
//   SANDBOX_PDS_PORT, SANDBOX_APPVIEW_PORT, SANDBOX_PLC_PORT  fixed ports
//   SANDBOX_IGNORE_STDIN=1  do not stop at end of stdin (for `start.sh &`)
import { LOOPBACK_HOST } from './loopback.mjs' // must stay the first import
import fs from 'node:fs'
import net from 'node:net'

// Loading @atproto/dev-env takes seconds: start it now, while start.sh is
// still bringing PostgreSQL up.
const devEnvLoading = import('@atproto/dev-env')
devEnvLoading.catch(() => {}) // reported where it is awaited

// Logging must never block or crash the shutdown: if whoever reads our stderr
// has gone away (EPIPE), stop logging and shut down.
let stderrBroken = false
const log = (...parts) => {
  if (stderrBroken) return
  try {
    fs.writeSync(2, `[sandbox ${new Date().toISOString()}] ${parts.join(' ')}\n`)
  } catch {
    stderrBroken = true
    setImmediate(() => void shutdown('log output closed'))
  }
}
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', () => {
    stderrBroken = true
    void shutdown('log output closed')
  })
}

const RESULT_FD = Number(process.env.SANDBOX_RESULT_FD ?? 3)
const SHUTDOWN_TIMEOUT_MS = 30_000

const portFromEnv = (name) => {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return undefined
  const port = Number(raw)
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${name} must be a TCP port number, got ${JSON.stringify(raw)}`)
  }
  return port
}

// Bind 127.0.0.1:port (0 = let the kernel choose), then release it.
const probePort = (port) =>
  new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.once('error', reject)
    server.listen({ port, host: LOOPBACK_HOST, exclusive: true }, () => {
      const { port: bound } = server.address()
      server.close(() => resolve(bound))
    })
  })

const choosePort = async (envName) => {
  const fixed = portFromEnv(envName)
  if (fixed === undefined) return probePort(0)
  try {
    return await probePort(fixed)
  } catch (err) {
    throw new Error(`${envName}=${fixed}: port is not free on ${LOOPBACK_HOST} (${err.code ?? err.message})`)
  }
}

const waitHealthy = async (url, timeoutMs = 30_000) => {
  const deadline = Date.now() + timeoutMs
  let lastError
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url)
      await res.arrayBuffer()
      if (res.ok) return
      lastError = new Error(`HTTP ${res.status}`)
    } catch (err) {
      lastError = err
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`${url} not healthy after ${timeoutMs} ms: ${lastError?.message}`)
}

let network
let shuttingDown = false

const shutdown = async (reason, code = 0) => {
  if (shuttingDown) return
  shuttingDown = true
  log(`shutting down (${reason})`)
  const force = setTimeout(() => {
    log(`shutdown took longer than ${SHUTDOWN_TIMEOUT_MS} ms, exiting anyway`)
    process.exit(code || 1)
  }, SHUTDOWN_TIMEOUT_MS)
  force.unref()
  try {
    if (network) await network.close()
  } catch (err) {
    log(`error while closing the network: ${err?.stack ?? err}`)
  }
  log('network closed')
  process.exit(code)
}

for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
  process.on(signal, () => void shutdown(signal))
}
process.on('unhandledRejection', (err) => {
  log(`unhandled rejection: ${err?.stack ?? err}`)
})

// The network's own background errors (firehose reconnects, ...) must not
// kill the process; they are logged.
process.on('uncaughtException', (err) => {
  if (err?.code === 'EPIPE') {
    stderrBroken = true
    void shutdown('log output closed')
    return
  }
  log(`uncaught exception: ${err?.stack ?? err}`)
})

const watchParent = () => {
  const parent = process.ppid
  const timer = setInterval(() => {
    if (process.ppid !== parent) void shutdown('parent process exited')
  }, 1000)
  timer.unref()
}

const watchStdin = () => {
  if (/^(1|true|yes)$/i.test(process.env.SANDBOX_IGNORE_STDIN ?? '')) return
  process.stdin.on('data', () => {}) // input is ignored, only its end matters
  process.stdin.on('end', () => void shutdown('stdin closed'))
  process.stdin.on('error', () => void shutdown('stdin error'))
}

const waitForDatabaseUrl = async (timeoutMs = 180_000) => {
  if (process.env.DB_POSTGRES_URL) return process.env.DB_POSTGRES_URL
  const file = process.env.SANDBOX_DB_URL_FILE
  if (!file) throw new Error('neither DB_POSTGRES_URL nor SANDBOX_DB_URL_FILE is set (run start.sh, not this file)')
  const deadline = Date.now() + timeoutMs
  while (!shuttingDown) {
    try {
      const url = fs.readFileSync(file, 'utf8').trim()
      if (url) return url
    } catch (err) {
      if (err.code !== 'ENOENT') throw err
    }
    if (Date.now() > deadline) throw new Error(`no database after ${timeoutMs} ms (${file})`)
    await new Promise((r) => setTimeout(r, 25))
  }
  return undefined
}

const main = async () => {
  watchParent()
  watchStdin()
  process.env.REDIS_HOST ||= 'unused'
  const dbPostgresUrl = await waitForDatabaseUrl()
  const { TestNetwork } = await devEnvLoading
  if (shuttingDown) return
  const started = Date.now()

  const plcPort = await choosePort('SANDBOX_PLC_PORT')
  const pdsPort = await choosePort('SANDBOX_PDS_PORT')
  const appviewPort = await choosePort('SANDBOX_APPVIEW_PORT')
  log(`starting network: plc ${plcPort}, pds ${pdsPort}, appview ${appviewPort}`)

  network = await TestNetwork.create({
    dbPostgresUrl,
    dbPostgresSchema: 'sandbox',
    plc: { port: plcPort },
    pds: {
      port: pdsPort,
      hostname: 'localhost', // handles end in .test; did:web:localhost
      inviteRequired: false,
      enableDidDocWithSession: true,
    },
    bsky: {
      port: appviewPort,
      // image URLs in views: http://127.0.0.1:<appview>/img/...
      publicUrl: `http://${LOOPBACK_HOST}:${appviewPort}`,
    },
  })
  if (shuttingDown) return

  const urls = {
    pds: `http://${LOOPBACK_HOST}:${network.pds.port}`,
    appview: `http://${LOOPBACK_HOST}:${network.bsky.port}`,
    plc: `http://${LOOPBACK_HOST}:${network.plc.port}`,
  }
  await Promise.all([
    waitHealthy(`${urls.pds}/xrpc/_health`),
    waitHealthy(`${urls.appview}/xrpc/_health`),
    waitHealthy(`${urls.plc}/_health`),
  ])
  if (!network.bsky.sub.running) throw new Error('the AppView firehose subscription is not running')
  if (shuttingDown) return

  log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s (ozone ${network.ozone.port}, bsync ${network.bsync.port}; AppView ingests the PDS firehose continuously)`)
  // one line, formatted like Python's json.dumps: {"pds": "...", "appview": "...", "plc": "..."}
  const line = '{' + Object.entries(urls).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ') + '}'
  fs.writeSync(RESULT_FD, line + '\n')
  try {
    fs.closeSync(RESULT_FD)
  } catch {
    // already closed: nothing to do
  }
}

main().catch((err) => {
  log(`failed to start: ${err?.stack ?? err}`)
  void shutdown('start-up failure', 1)
})
