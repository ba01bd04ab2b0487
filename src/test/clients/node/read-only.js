// Drives docker-filter with dockerode the way a read-only dashboard would, then tries one write.
// Usage: node read-only.js SOCKET CONTAINER_NAME
// Prints one JSON object with what each call returned; the integration test judges it.
'use strict';
const Docker = require('dockerode');

async function main() {
  const [socketPath, name] = process.argv.slice(2);
  const docker = new Docker({ socketPath });
  const out = {};
  out.ping = String(await docker.ping());
  out.names = (await docker.listContainers({ all: true })).map((c) => c.Names[0]);
  out.state = (await docker.getContainer(name).inspect()).State.Status;
  const logs = await docker.getContainer(name).logs({ stdout: true, stderr: true, tail: 10 });
  out.logs = logs.toString('latin1');
  const since = Math.floor(Date.now() / 1000) - 60;
  const events = await docker.getEvents({ since, until: since + 61 });
  out.events = await new Promise((resolve, reject) => {
    let text = '';
    events.on('data', (d) => { text += d; });
    events.on('end', () => resolve(text));
    events.on('error', reject);
  });
  try {
    await docker.createContainer({ Image: 'localtest/busybox', Cmd: ['true'] });
    out.create = 'created';
  } catch (e) {
    out.create = { status: e.statusCode, message: e.json && e.json.message };
  }
  console.log(JSON.stringify(out));
}

main().catch((e) => {
  console.error(String(e && e.stack || e));
  process.exit(1);
});
