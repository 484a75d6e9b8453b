package dev.switchyard.workers.providers.anthropic;

import dev.switchyard.workers.Json;
import dev.switchyard.workers.providers.CallListener;
import dev.switchyard.workers.providers.CallSpec;
import dev.switchyard.workers.providers.ProviderAdapter;
import dev.switchyard.workers.providers.ProviderCall;
import dev.switchyard.workers.providers.UpstreamFailure;
import dev.switchyard.workers.providers.http.UpstreamHttp;
import dev.switchyard.workers.providers.http.UpstreamRequest;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Anthropic Messages: {@code POST {base}/v1/messages} with {@code x-api-key}, {@code anthropic-version} (the client's
 * own value when it sent one, else 2023-06-01) and the client's {@code anthropic-beta}.
 */
public final class AnthropicMessagesAdapter implements ProviderAdapter {
    public static final String DEFAULT_VERSION = "2023-06-01";

    private final UpstreamHttp http;

    public AnthropicMessagesAdapter(UpstreamHttp http) {
        this.http = http;
    }

    @Override
    public ProviderCall start(CallSpec spec, CallListener listener) {
        byte[] body;
        try {
            body = Json.write(AnthropicRequestBuilder.build(spec.request(), spec.model(), spec.notes())).getBytes(StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            listener.onError(UpstreamFailure.badRequest(e.getMessage()));
            return () -> { };
        }
        return http.postStream(new UpstreamRequest(spec.provider().baseUrl() + "/v1/messages",
                headers(spec), body, spec.provider().apiKey()), new AnthropicStreamDecoder(), listener);
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
