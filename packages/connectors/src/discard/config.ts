import { ConfigSpec, type ParsedConfig } from '@tributary/api';

/** DiscardSink has no settings of its own (topics and the rest are the runtime's). */
export const DISCARD_SINK_SPEC = ConfigSpec.create();

export type DiscardSinkConfig = ParsedConfig<typeof DISCARD_SINK_SPEC>;
