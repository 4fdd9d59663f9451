// Make every TCP server of this process listen on the loopback address only.
//
// The dev-env services call `server.listen(port)` without a host, which would
// bind every interface. Import this module before anything else: a listen()
// call that names no host (and no unix path / fd / handle) gets 127.0.0.1.
import net from 'node:net'

export const LOOPBACK_HOST = '127.0.0.1'

const originalListen = net.Server.prototype.listen

const isPort = (value) =>
  typeof value === 'number' ||
  (typeof value === 'string' && /^\d+$/.test(value))

net.Server.prototype.listen = function listenOnLoopback(...args) {
  const first = args[0]
  if (args.length === 0 || typeof first === 'function') {
    // listen() / listen(callback): random port
    args.unshift(0, LOOPBACK_HOST)
  } else if (isPort(first)) {
    // listen(port[, host][, backlog][, callback])
    if (typeof args[1] !== 'string') args.splice(1, 0, LOOPBACK_HOST)
  } else if (
    first !== null &&
    typeof first === 'object' &&
    first.path === undefined &&
    first.fd === undefined &&
    first.handle === undefined &&
    first._handle === undefined &&
    first.host === undefined
  ) {
    // listen({ port, ... })
    args[0] = { ...first, host: LOOPBACK_HOST }
  }
  return originalListen.apply(this, args)
}
