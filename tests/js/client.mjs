// A scripted socket.io-client v4 for the Python test suite.
// Usage: node client.mjs '{"url": "...", "auth": {...}, "options": {...}, "resume": true}'
// Prints one JSON line per thing that happens: {"type": "connect" | "connect_error" | "disconnect" |
// "event" | "ack" | "ready", ...}. Reads JSON-line commands on stdin:
//   {"op": "emit", "event": "subscribe", "data": [...]}   (prints {"type": "ack", "event", "data"})
//   {"op": "disconnect"} · {"op": "connect"} · {"op": "exit"}
// With "resume": true the handshake auth carries `since` = the last seq this client saw, as a
// dashboard that resumes after a reconnect does. With "decodeRows": true a `sync:full` in the row form
// ({taskFields, tasks: [[...], ...]}) is printed as the cards it stands for ({tasks: [{...}, ...]}),
// decoded by the rule docs/realtime.md gives client authors.
import { createInterface } from 'node:readline';
import { io } from 'socket.io-client';

const config = JSON.parse(process.argv[2]);
let lastSeq = null;

function out(record) {
  process.stdout.write(JSON.stringify(record) + '\n');
}

function asCards({ taskFields, tasks, ...rest }) {
  const card = (row) => Object.fromEntries(taskFields.map((field, i) => [field, row[i]]).filter(([, v]) => v != null));
  return { ...rest, tasks: tasks.map(card) };
}

function seen(payload) {
  if (payload && typeof payload.seq === 'number') lastSeq = Math.max(lastSeq ?? 0, payload.seq);
}

const auth = config.resume
  ? (cb) => cb(lastSeq === null ? config.auth : { ...config.auth, since: lastSeq })
  : config.auth;
const socket = io(config.url, { auth, ...config.options });

socket.on('connect', () => out({ type: 'connect', transport: socket.io.engine.transport.name }));
socket.on('connect_error', (err) => out({ type: 'connect_error', message: err.message, data: err.data ?? null }));
socket.on('disconnect', (reason) => out({ type: 'disconnect', reason }));
socket.onAny((name, data) => {
  seen(data);
  const decode = config.decodeRows && name === 'sync:full' && Array.isArray(data?.taskFields);
  out({ type: 'event', name, data: decode ? asCards(data) : data });
});

const commands = createInterface({ input: process.stdin });
commands.on('line', (line) => {
  const command = JSON.parse(line);
  if (command.op === 'emit') {
    socket.timeout(10000).emit(command.event, command.data, (err, data) =>
      out({ type: 'ack', event: command.event, data: err ? { timeout: true } : data ?? null }));
  } else if (command.op === 'disconnect') {
    socket.disconnect();
  } else if (command.op === 'connect') {
    socket.connect();
  } else if (command.op === 'exit') {
    socket.close();
    process.exit(0);
  }
});
commands.on('close', () => process.exit(0));
out({ type: 'ready' });
