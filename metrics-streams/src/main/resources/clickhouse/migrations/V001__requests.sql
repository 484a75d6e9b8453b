-- The request log: one row per Completion (llm.completions), metadata included (routing metadata only; a
-- Completion carries no secrets, and the error message is left out on purpose).
-- ReplacingMergeTree keyed by request id: a re-delivered Completion replaces its copy at merge time, and the
-- report reads with FINAL, so a replay never double counts. Partitioned by day of receipt.
CREATE TABLE IF NOT EXISTS requests (
    request_id String,
    received_at DateTime,
    completed_at DateTime,
    router_id String,
    router_version Int64,
    route_id String,
    variant_id String,
    user_id String,
    api_key_id String,
    protocol String,
    stream UInt8,
    requested_model String,
    model_id String,
    provider String,
    status String,
    http_status UInt16,
    error_type String,
    finish_reason String,
    attempts UInt16,
    attempt_models Array(String),
    attempt_outcomes Array(String),
    input_tokens UInt64,
    output_tokens UInt64,
    cache_read_tokens UInt64,
    cache_write_tokens UInt64,
    reasoning_tokens UInt64,
    cost_usd Nullable(Float64),
    ttft_ms Nullable(Int64),
    latency_ms Int64,
    metadata_keys Array(String),
    metadata_values Array(String)
) ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMMDD(received_at)
ORDER BY (router_id, request_id);
