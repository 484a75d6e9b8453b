-- Per router/route/variant traffic totals of 1-minute (window_seconds = 60) and 1-hour (3600) tumbling windows,
-- written by the Kafka Streams topology. Each row holds a window's running totals; version grows with every
-- update, and ReplacingMergeTree(version) keeps the latest, so re-delivered rows are harmless. Read with FINAL.
CREATE TABLE IF NOT EXISTS variant_windows (
    window_seconds UInt32,
    window_start DateTime,
    router_id String,
    route_id String,
    variant_id String,
    requests UInt64,
    errors UInt64,
    cancelled UInt64,
    failovers UInt64,
    input_tokens UInt64,
    output_tokens UInt64,
    cost_usd Float64,
    priced_requests UInt64,
    latency_ms_sum UInt64,
    error_kinds Array(String),
    error_counts Array(UInt64),
    version UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(window_start)
ORDER BY (router_id, window_seconds, window_start, route_id, variant_id);
