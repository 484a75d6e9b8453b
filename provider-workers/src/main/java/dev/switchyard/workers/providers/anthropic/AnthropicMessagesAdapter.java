package dev.switchyard.workers.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.workers.Json;
import dev.switchyard.workers.providers.CallListener;
import dev.switchyard.workers.providers.CallSpec;
import dev.switchyard.workers.providers.ProviderAdapter;
import dev.switchyard.workers.providers.ProviderCall;
import dev.switchyard.workers.providers.UpstreamFailure;
import dev.switchyard.workers.providers.http.UpstreamHttp;
import dev.switchyard.workers.providers.translate.TokenCounts;
import dev.switchyard.workers.providers.http.UpstreamRequest;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Anthropic Messages: {@code POST {base}/v1/messages} with {@code x-api-key}, {@code anthropic-version} (the client's
 * own value when it sent one, else 2023-06-01) and the client's {@code anthropic-beta}. A count-tokens request goes to
 * {@code /v1/messages/count_tokens}.
 */
public final class AnthropicMessagesAdapter implements ProviderAdapter {
    public static final String DEFAULT_VERSION = "2023-06-01";
    /** The fields count_tokens takes. */
    private static final List<String> COUNTED_FIELDS = List.of("model", "messages", "system", "tools", "tool_choice",
            "thinking", "mcp_servers", "context_management", "output_config");

    private final UpstreamHttp http;

    public AnthropicMessagesAdapter(UpstreamHttp http) {
        this.http = http;
    }

    @Override
    public ProviderCall start(CallSpec spec, CallListener listener) {
        ObjectNode built;
        try {
            built = AnthropicRequestBuilder.build(spec.request(), spec.model(), spec.notes());
        } catch (RuntimeException e) {
            listener.onError(UpstreamFailure.refused(e));
            return () -> { };
        }
        if (spec.request().getCountTokens()) {
            return countTokens(spec, built, listener);
        }
        byte[] body = Json.write(built).getBytes(StandardCharsets.UTF_8);
        return http.postStream(new UpstreamRequest(spec.provider().baseUrl() + "/v1/messages",
                headers(spec), body, spec.provider().apiKey()), new AnthropicStreamDecoder(), listener);
    }

    /** Anthropic's own counter ({@code POST /v1/messages/count_tokens}): free, exact, same body minus generation fields. */
    private ProviderCall countTokens(CallSpec spec, ObjectNode built, CallListener listener) {
        ObjectNode count = Json.MAPPER.createObjectNode();
        for (String field : COUNTED_FIELDS) {
            if (built.has(field)) {
                count.set(field, built.get(field));
            }
        }
        byte[] body = Json.write(count).getBytes(StandardCharsets.UTF_8);
        return http.postJson(new UpstreamRequest(spec.provider().baseUrl() + "/v1/messages/count_tokens",
                headers(spec), body, spec.provider().apiKey()), (answer, l) -> {
            JsonNode parsed = Json.parse(answer, "count_tokens answer");
            if (!parsed.path("input_tokens").canConvertToLong()) {
                l.onError(UpstreamFailure.streamBroken("Anthropic's count_tokens answer has no input_tokens"));
                return;
            }
            l.onDelta(TokenCounts.delta(parsed.get("input_tokens").asLong(), TokenCounts.COUNTED));
        }, listener);
    }

    static Map<String, String> headers(CallSpec spec) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (spec.provider().hasKey()) {
            headers.put("x-api-key", spec.provider().apiKey());
        }
        String version = DEFAULT_VERSION;
        String beta = null;
        for (Map.Entry<String, String> header : spec.request().getProviderHeaders().entrySet()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (name.equals("anthropic-version")) {
                version = header.getValue();
            } else if (name.equals("anthropic-beta")) {
                beta = header.getValue();
            }
        }
        headers.put("anthropic-version", version);
        if (beta != null && !beta.isBlank()) {
            headers.put("anthropic-beta", beta);
        }
        return headers;
    }
}
