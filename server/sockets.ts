// Which sockets hold a request the server has started answering. A graceful stop answers those
// and drops the rest at once: an idle keep-alive socket, and one still sending its headers (a
// slow client, or a slow-loris attack, which Node counts as busy and server.close() would wait
// for until the headers deadline). Node's closeIdleConnections() spares the latter.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export class SocketTracker {
  /** Every open socket, with the requests on it whose headers have arrived and whose response has not ended. */
  private readonly answering = new Map<Socket, number>();

  constructor(server: Server) {
    server.on('connection', (socket: Socket) => {
      this.answering.set(socket, 0);
      socket.once('close', () => this.answering.delete(socket));
    });
    server.on('request', (request, response) => {
      const socket = request.socket;
      this.answering.set(socket, (this.answering.get(socket) ?? 0) + 1);
      response.once('close', () => {
        if (this.answering.has(socket)) this.answering.set(socket, Math.max(0, (this.answering.get(socket) ?? 1) - 1));
      });
    });
  }

  /** Closes every socket that has no request being answered. */
  dropUnanswered(): void {
    for (const [socket, requests] of this.answering) if (requests === 0) socket.destroy();
  }
}
