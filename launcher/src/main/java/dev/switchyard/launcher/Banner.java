package dev.switchyard.launcher;

/** What {@code switchyard up} prints once the stack is ready: where it is and how to try it. */
final class Banner {
    private Banner() {
    }

    static String of(LocalStack stack, boolean ready) {
        String base = stack.baseUrl();
        return """

                Switchyard is %s at %s  (health: %s/health)
                  Kafka:           %s
                  Schema registry: %s
                  ClickHouse:      %s
                  Mock provider:   %s
                  Dashboard:       %s/dashboard/
                  Data:            %s  (delete it to start afresh)

                Create a router, then chat through it:
                  curl -s %s/router/v1/routers -H 'content-type: application/json' \\
                    -d '{"name":"routers/demo","routes":[{"condition":{"cel_expression":"language == \\"es\\""},"route":{"variants":[{"variant":{"modelId":"openai/gpt-5.2"},"weight":100}]}}],"defaultRoute":{"variants":[{"variant":{"modelId":"anthropic/claude-sonnet-4-6"},"weight":50},{"variant":{"modelId":"openai/gpt-5-mini"},"weight":50}]},"metrics":[{"name":"conversion","kind":"boolean"}]}'
                  curl -sN %s/v1/chat/completions -H 'content-type: application/json' \\
                    -d '{"model":"router/demo","stream":true,"user":"alice","metadata":{"language":"es"},"messages":[{"role":"user","content":"Hola"}]}'

                Report outcomes, read the experiment report, ramp the winner:
                  curl -s %s/v1/feedback -H 'content-type: application/json' \\
                    -d '{"request_id":"<x-switchyard-request-id>","metric":"conversion","value":true}'
                  curl -s '%s/router/v1/routers/demo/report?from=24h'
                  curl -s %s/router/v1/routers/demo:promote -H 'content-type: application/json' -d '{"variant":"<variant_id>"}'

                OpenAI SDKs: base_url=%s/v1 (any api key). Ctrl-C stops everything.
                """.formatted(ready ? "ready" : "STARTING (not ready after 60 s; see the log above)", base, base,
                stack.bootstrapServers(), stack.registryUrl(), stack.clickHouseUrl(),
                stack.mock() == null ? "off" : stack.mock().baseUrl(), base, stack.dataDir(), base, base, base, base, base, base);
    }
}
