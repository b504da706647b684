// Many minimal Socket.IO clients in one node process, for bench/realtime.py (latency, throughput).
// Usage: node bench/ws_load.mjs '{"url": "http://…", "key": "…", "sockets": 50, "patterns": [...]}'
// Speaks Engine.IO v4 / Socket.IO v5 over raw websockets (`ws`, installed by `make js-client`), the
// frames socket.io-client sends with transports: ["websocket"]. Prints {"type": "ready"} once every
// socket has its sync:full; on the stdin line "report" prints, per socket, how many events arrived
// and, per event seq, when each socket received it (process.hrtime = CLOCK_MONOTONIC, the clock of
// Python's time.perf_counter_ns on Linux), then exits. "count" prints the events so far and when
// the last one arrived.
import { createInterface } from 'node:readline';
import WebSocket from '../tests/js/node_modules/ws/wrapper.mjs';

const config = JSON.parse(process.argv[2]);
const url = config.url.replace(/^http/, 'ws') + '/socket.io/?EIO=4&transport=websocket';
const auth = JSON.stringify({ apiKey: config.key, ...(config.patterns ? { subscribe: config.patterns } : {}) });
const counts = new Array(config.sockets).fill(0);
const times = new Map(); // seq -> [ns, ...]
const ids = {}; // seq -> the id the event is about
const sockets = [];
let synced = 0;
let total = 0;
let lastNs = 0n;

function open(index) {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  sockets.push(ws);
  ws.on('message', (raw) => {
    const now = process.hrtime.bigint();
    const text = raw.toString();
    if (text === '2') return ws.send('3');
    if (text[0] === '0') return ws.send('40' + auth);
    if (text.startsWith('42["sync:full"')) {
      if (++synced === config.sockets) console.log(JSON.stringify({ type: 'ready' }));
      return;
    }
    if (!text.startsWith('42')) return;
    counts[index] += 1;
    total += 1;
    lastNs = now;
    const at = text.lastIndexOf('"seq":');
    const seq = parseInt(text.slice(at + 6), 10);
    if (!config.record) return;
    let seen = times.get(seq);
    if (!seen) {
      times.set(seq, (seen = []));
      const id = text.indexOf('"id":"');
      ids[seq] = text.slice(id + 6, text.indexOf('"', id + 6));
    }
    seen.push(now.toString());
  });
  ws.on('error', (err) => console.error(`socket ${index}: ${err.message}`));
}

async function openAll() {
  for (let i = 0; i < config.sockets; i += 50) {
    for (let j = i; j < Math.min(i + 50, config.sockets); j += 1) open(j);
    while (synced < Math.min(i + 50, config.sockets)) await new Promise((r) => setTimeout(r, 5));
  }
}

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'count') {
    console.log(JSON.stringify({ type: 'count', total, lastNs: lastNs.toString() }));
    return;
  }
  if (line.trim() !== 'report') return;
  process.stdout.write(JSON.stringify({ type: 'report', counts, ids, times: Object.fromEntries(times) }) + '\n', () => {
    for (const ws of sockets) ws.terminate();
    process.exit(0);
  });
});
openAll();
