package dev.switchyard.workers.providers.http;

import java.util.Map;

/**
 * A streaming POST to a provider. {@code secret} is the API key carried in {@code headers}: it is redacted from every
 * failure message this call produces. {@link #toString()} never shows headers.
 */
public record UpstreamRequest(String url, Map<String, String> headers, byte[] body, String secret) {

    @Override
    public String toString() {
        return "UpstreamRequest[POST " + url + ", " + body.length + " bytes]";
    }
}
