// The floor of bench/realtime.py's latency and throughput scenarios on this machine: a stand-in hub
// that does the least any hub must do for them and nothing else — no store, no validation, no
// Socket.IO library, no subscriptions. `POST /admin/enqueue` answers `{success, taskId}` and then
// writes one prebuilt `task:{id}:created` frame to every connected socket; a socket gets the
// Engine.IO open packet, the Socket.IO connect answer and an empty `sync:full`, as the benchmark's
// clients expect. Whatever this measures is the machine, the clients and the loopback network; a
// real hub can only add to it.
//
//     node bench/floor.mjs [port]        # default 3199; needs `make js-client` (tests/js/node_modules/ws)
//     python bench/realtime.py --url http://127.0.0.1:3199 --key any --pid <its pid> --only latency
import http from 'node:http';
import { WebSocketServer } from '../tests/js/node_modules/ws/wrapper.mjs';

const port = Number(process.argv[2] || 3199);
const OPEN = '0' + JSON.stringify({ sid: 'floor', upgrades: [], pingInterval: 25000, pingTimeout: 20000, maxPayload: 1e6 });
const sockets = new Set();
let seq = 0;

function enqueue(body, res) {
  seq += 1;
  const id = `task-floor-${seq}`;
  const answer = JSON.stringify({ success: true, taskId: id, status: 'QUEUED' });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
  res.end(answer);
  const prompt = JSON.parse(body).prompt;
  const frame = '42' + JSON.stringify([`task:${id}:created`, { id, prompt, status: 'QUEUED', seq }]);
  for (const ws of sockets) ws.send(frame);
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    if (req.method === 'POST' && req.url === '/admin/enqueue') return enqueue(Buffer.concat(chunks).toString(), res);
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":"not part of the floor","code":"NOT_FOUND"}');
  });
});

new WebSocketServer({ server, perMessageDeflate: false }).on('connection', (ws) => {
  ws.send(OPEN);
  ws.on('message', (message) => {
    if (!message.toString().startsWith('40')) return; // pongs and anything else
    ws.send('40{"sid":"floor"}');
    ws.send(`42["sync:full",{"tasks":[],"agents":[],"seq":${seq}}]`);
    sockets.add(ws);
  });
  ws.on('close', () => sockets.delete(ws));
});

server.listen(port, '127.0.0.1', () => console.log(JSON.stringify({ type: 'listening', port })));
