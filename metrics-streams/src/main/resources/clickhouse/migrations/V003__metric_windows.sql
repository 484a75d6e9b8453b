-- Per router/route/variant/metric outcome totals (feedback attributed by Kafka Streams) of 1-minute and 1-hour
-- windows: observations with their sum and sum of squares, users (first feedback of a user for the metric in the
-- variant) and positive users. Rows with route_id = '' and variant_id = '' count unattributed feedback.
-- Idempotent as variant_windows: ReplacingMergeTree(version), read with FINAL.
CREATE TABLE IF NOT EXISTS metric_windows (
    window_seconds UInt32,
    window_start DateTime,
    router_id String,
    route_id String,
    variant_id String,
    metric String,
    observations UInt64,
    value_sum Float64,
    value_sum_sq Float64,
    users UInt64,
    positive_users UInt64,
    duplicates UInt64,
    version UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(window_start)
ORDER BY (router_id, window_seconds, window_start, route_id, variant_id, metric);
