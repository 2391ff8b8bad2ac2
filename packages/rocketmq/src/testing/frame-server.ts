// A tiny in-process server that speaks remoting frames, for transport unit tests (timeouts, ordering,
// failures). It is not a broker: tests script every answer.
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { decodeCommand, type RemotingCommand } from '../remoting-codec.js';

export interface FrameServer {
  server: Server;
  address: string;
  sockets: Socket[];
  /** Frames received, per socket. */
  received: RemotingCommand[];
  onFrame: (cmd: RemotingCommand, socket: Socket) => void;
  waitFor(pred: (c: RemotingCommand) => boolean): Promise<RemotingCommand>;
}

export async function frameServer(): Promise<FrameServer> {
  const fs: FrameServer = {
    server: createServer(),
    address: '',
    sockets: [],
    received: [],
    onFrame: () => {},
    async waitFor(pred) {
      for (let i = 0; i < 200; i++) {
        const hit = fs.received.find(pred);
        if (hit) return hit;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error('frame not received');
    },
  };
  fs.server.on('connection', (s) => {
    fs.sockets.push(s);
    let buf = Buffer.alloc(0);
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        const n = 4 + buf.readInt32BE(0);
        const cmd = decodeCommand(Buffer.from(buf.subarray(0, n)));
        buf = buf.subarray(n);
        fs.received.push(cmd);
        fs.onFrame(cmd, s);
      }
    });
    s.on('error', () => {});
  });
  fs.server.listen(0, '127.0.0.1');
  await once(fs.server, 'listening');
  const addr = fs.server.address();
  fs.address = `127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  return fs;
}

/** Closes the server and its sockets. */
export function closeFrameServer(fs: FrameServer): void {
  for (const s of fs.sockets) s.destroy();
  fs.server.close();
}
