import type { FastifyInstance } from 'fastify';
import type { ConnectorOffset } from '../../herder/entities.js';
import type { RestContext } from '../context.js';
import { RestError } from '../errors.js';
import { objectBody } from '../input.js';

type Named = { Params: { name: string } };

/** Source and sink offsets (KIP-875): read any time, alter or reset only when the connector is STOPPED. */
export function offsetRoutes(app: FastifyInstance, ctx: RestContext): void {
  const { herder } = ctx;

  app.get<Named>('/connectors/:name/offsets', async (req) => herder.connectorOffsets(req.params.name));

  app.patch<Named>('/connectors/:name/offsets', async (req) => {
    const body = objectBody(req.body, 'a JSON object {"offsets": [{"partition": {...}, "offset": {...} | null}, ...]}');
    const offsets = body.offsets;
    if (!Array.isArray(offsets) || offsets.length === 0) {
      // Kafka's message.
      throw new RestError(400, 'Partitions / offsets need to be provided for an alter offsets request');
    }
    return { message: await herder.alterConnectorOffsets(req.params.name, offsets as ConnectorOffset[]) };
  });

  app.delete<Named>('/connectors/:name/offsets', async (req) => ({
    message: await herder.resetConnectorOffsets(req.params.name),
  }));
}
