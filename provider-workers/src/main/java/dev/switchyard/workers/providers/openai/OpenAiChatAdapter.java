package dev.switchyard.workers.providers.openai;

import dev.switchyard.workers.Json;
import dev.switchyard.workers.providers.CallListener;
import dev.switchyard.workers.providers.CallSpec;
import dev.switchyard.workers.providers.ProviderAdapter;
import dev.switchyard.workers.providers.ProviderCall;
import dev.switchyard.workers.providers.UpstreamFailure;
import dev.switchyard.workers.providers.http.UpstreamHttp;
import dev.switchyard.workers.providers.http.UpstreamRequest;
import dev.switchyard.workers.providers.translate.TokenCounts;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** OpenAI chat completions, and every host that speaks it: {@code POST {base}/chat/completions}, bearer key. */
public final class OpenAiChatAdapter implements ProviderAdapter {
    private final UpstreamHttp http;

    public OpenAiChatAdapter(UpstreamHttp http) {
        this.http = http;
    }

    @Override
    public ProviderCall start(CallSpec spec, CallListener listener) {
        byte[] body;
        try {
            body = Json.write(OpenAiRequestBuilder.build(spec.request(), spec.model(), spec.notes())).getBytes(StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            listener.onError(UpstreamFailure.refused(e));
            return () -> { };
        }
        if (spec.request().getCountTokens()) {
            return TokenCounts.estimate(spec.request(), listener); // chat-completions hosts have no counting endpoint
        }
        Map<String, String> headers = new LinkedHashMap<>();
        if (spec.provider().hasKey()) {
            headers.put("authorization", "Bearer " + spec.provider().apiKey());
        }
        UpstreamRequest request = new UpstreamRequest(spec.provider().baseUrl() + "/chat/completions", headers, body,
                spec.provider().apiKey());
        return http.postStream(request, new OpenAiStreamDecoder(), listener);
    }
}
