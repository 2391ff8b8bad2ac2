import { test } from 'node:test';

/** True when integration tests must fail rather than skip on a missing service. */
export function servicesRequired(): boolean {
  return process.env.CI === 'true' || process.env.TRIBUTARY_REQUIRE_SERVICES === '1';
}

/**
 * The project's rule for integration tests: when a service is missing (`reason` set), skip with the reason
 * printed, except under `CI=true` or `TRIBUTARY_REQUIRE_SERVICES=1`, where a failing test named
 * `<service> is available` is registered instead. Returns the `skip` option for the suite: the reason, or
 * false when the service is there.
 */
export function serviceGate(service: string, reason: string | undefined): string | false {
  if (reason === undefined) return false;
  if (servicesRequired()) {
    test(`${service} is available`, () => {
      throw new Error(`${reason}; required because CI=true or TRIBUTARY_REQUIRE_SERVICES=1`);
    });
  } else {
    console.log(`# SKIP: ${reason}`);
  }
  return reason;
}
