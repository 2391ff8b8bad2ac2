import { BrokerError } from './errors.js';
import { RequestCode } from './protocol.js';
import type { RemotingCommand } from './remoting-codec.js';

/** The typed error for a non-success response. */
export function responseError(requestCode: number, res: RemotingCommand, address?: string): BrokerError {
  const name = requestName(requestCode);
  return new BrokerError(`${name} failed with code ${res.code}${res.remark ? `: ${res.remark}` : ''}`, {
    responseCode: res.code,
    remark: res.remark,
    requestCode,
    ...(address === undefined ? {} : { address }),
  });
}

function requestName(code: number): string {
  for (const [k, v] of Object.entries(RequestCode)) if (v === code) return k;
  return `request ${code}`;
}
