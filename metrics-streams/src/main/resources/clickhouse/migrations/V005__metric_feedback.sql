-- One row per attributed feedback event (metrics.metric-feedback, written by the user stage of the Streams topology):
-- the variant it was attributed to, the user and request it names, the metric and its value. The report counts a
-- boolean metric's positive users from here: the users served in the range (request log) with a positive value
-- (value > 0) for the metric in the same route and variant whose outcome happened (occurred_at) within the range,
-- each user once (uniqExact), however often and whenever before the range they had sent feedback.
-- Ids, metric, value and times only: no request or feedback bodies, no credentials.
-- ReplacingMergeTree keyed by feedback id and variant: a re-delivered row replaces its copy (a distinct count is
-- unaffected anyway). Partitioned by month of receipt (occurred_at is the client's statement and may be anything).
CREATE TABLE IF NOT EXISTS metric_feedback (
    feedback_id String,
    occurred_at DateTime,
    received_at DateTime,
    router_id String,
    route_id String,
    variant_id String,
    user_id String,
    request_id String,
    metric String,
    value Float64,
    attribution String
) ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(received_at)
ORDER BY (router_id, metric, route_id, variant_id, user_id, feedback_id);
