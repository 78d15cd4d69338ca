// Alertmanager webhook receiver on 127.0.0.1 (a free port, written to PORT_FILE once listening).
// Appends every notification to LOG_FILE as one JSON line: {"t": receive time in ms, "body": payload}.
//
// usage: node webhook.mjs PORT_FILE LOG_FILE
import { appendFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';

const [portFile, logFile] = process.argv.slice(2);

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const t = Date.now();
    try {
      appendFileSync(logFile, `${JSON.stringify({ t, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) })}\n`);
      res.writeHead(200).end();
    } catch (e) {
      console.error(`bad notification: ${e.message}`);
      res.writeHead(400).end();
    }
  });
});
server.listen(0, '127.0.0.1', () => writeFileSync(portFile, String(server.address().port)));
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
