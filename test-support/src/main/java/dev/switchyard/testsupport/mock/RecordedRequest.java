package dev.switchyard.testsupport.mock;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A request as the mock provider received it (recorded before validation, so rejected requests
 * are here too).
 *
 * @param protocol   which API was called
 * @param method     HTTP method
 * @param path       request path, e.g. {@code /v1/chat/completions}
 * @param headers    headers, names lower-cased, in arrival order per name
 * @param body       the parsed JSON body, or {@code null} if it was not JSON
 * @param rawBody    the body as text
 * @param model      the body's {@code model}, or {@code null}
 * @param stream     the body's {@code stream} flag
 * @param receivedAt when it arrived
 */
public record RecordedRequest(Protocol protocol, String method, String path, Map<String, List<String>> headers,
                              JsonNode body, String rawBody, String model, boolean stream, Instant receivedAt) {

    /** The two provider APIs the mock speaks. */
    public enum Protocol { OPENAI, ANTHROPIC, OTHER }

    /** First value of a header (case-insensitive), or {@code null}. */
    public String header(String name) {
        List<String> v = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** The text of the last user message (directives included), or {@code ""}. */
    public String lastUserText() {
        return body == null ? "" : Requests.lastUserText(body);
    }
}
