package dev.switchyard.bench.load;

import java.util.Map;
import java.util.function.BiFunction;

/**
 * One thing the load generator drives: an OpenAI-compatible chat completions URL, extra headers, and the request body
 * for a given request number and streaming flag.
 *
 * @param name    "direct", "switchyard", "portkey", ... (the table's row label)
 * @param url     the full {@code .../v1/chat/completions} URL
 * @param headers sent with every request (besides content-type)
 * @param bodies  (request number, stream) → JSON body
 */
public record Target(String name, String url, Map<String, String> headers, BiFunction<Long, Boolean, byte[]> bodies) {
}
