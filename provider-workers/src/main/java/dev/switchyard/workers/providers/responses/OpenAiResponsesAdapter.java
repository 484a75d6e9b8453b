package dev.switchyard.workers.providers.responses;

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

/** The OpenAI Responses API: {@code POST {base}/responses}, bearer key, for models the catalog lists as openai-responses. */
public final class OpenAiResponsesAdapter implements ProviderAdapter {
    private final UpstreamHttp http;

    public OpenAiResponsesAdapter(UpstreamHttp http) {
        this.http = http;
    }

    @Override
    public ProviderCall start(CallSpec spec, CallListener listener) {
        byte[] body;
        try {
            body = Json.write(ResponsesRequestBuilder.build(spec.request(), spec.model(), spec.notes())).getBytes(StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            listener.onError(UpstreamFailure.refused(e));
            return () -> { };
        }
        if (spec.request().getCountTokens()) {
            return TokenCounts.estimate(spec.request(), listener);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        if (spec.provider().hasKey()) {
            headers.put("authorization", "Bearer " + spec.provider().apiKey());
        }
        return http.postStream(new UpstreamRequest(spec.provider().baseUrl() + "/responses", headers, body, spec.provider().apiKey()),
                new ResponsesStreamDecoder(), listener);
    }
}
