-- Token-count calls (Anthropic's /v1/messages/count_tokens) are requests too and stay in the request log, but they
-- are no chat answers: a report that counted them would mix their near-zero latency and cost into the variant's.
-- Reports select count_tokens = 0. Rows written before this column existed read as 0. (No IF NOT EXISTS on 18.16:
-- ClickHouseMigrations treats a failed ADD COLUMN whose column is there as done.)
ALTER TABLE requests ADD COLUMN count_tokens UInt8 DEFAULT 0
