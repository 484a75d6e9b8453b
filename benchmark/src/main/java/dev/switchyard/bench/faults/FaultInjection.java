package dev.switchyard.bench.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.bench.Shape;
import dev.switchyard.bench.load.RequestBodies;
import dev.switchyard.bench.load.Target;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * {@code --fault-hang RATIO}: Switchyard with a primary model that hangs before its first token on RATIO of its calls
 * (through {@link FaultyUpstream}) and a healthy fallback, with the failover policy of {@code --fault-policy}
 * ({@code ttft:500ms} cuts the hanging call at its TTFT deadline; {@code hedge:300ms} starts the fallback in parallel).
 * The report's TTFT percentiles for this target are what clients see when a share of primary attempts hang.
 */
public final class FaultInjection {
    /** The primary: provider {@code xai}, whose base URL the stack gets pointed at the faulty upstream. */
    public static final String PRIMARY = "xai/grok-4.3";
    /** The environment variable that sends the primary's calls to the faulty upstream. */
    public static final String PRIMARY_BASE_URL_VARIABLE = "XAI_BASE_URL";
    public static final String FALLBACK = "openai/gpt-4o";
    private static final ObjectMapper JSON = new ObjectMapper();

    private FaultInjection() {
    }

    /** The request's {@code fallback} object for a policy such as {@code ttft:500ms} or {@code hedge:300ms}. */
    public static String fallbackJson(String policy) {
        String[] parts = policy.split(":", 2);
        if (parts.length != 2 || !(parts[0].equals("ttft") || parts[0].equals("hedge"))) {
            throw new IllegalArgumentException("--fault-policy takes ttft:<duration> or hedge:<duration>, not " + policy);
        }
        String field = parts[0].equals("ttft") ? "ttft_timeout" : "hedge_after";
        return "{\"models\":[\"" + FALLBACK + "\"],\"" + field + "\":\"" + parts[1].trim() + "\"}";
    }

    /** The target: Switchyard's chat URL with bodies naming the primary and carrying the fallback policy. */
    public static Target target(String switchyardChatUrl, Shape shape, double ratio, String policy) {
        BiFunction<Long, Boolean, byte[]> plain = RequestBodies.of(PRIMARY, shape, false);
        String fallback = fallbackJson(policy);
        byte[][][] bodies = new byte[2][RequestBodies.USERS][];
        try {
            for (int s = 0; s < 2; s++) {
                for (int u = 0; u < RequestBodies.USERS; u++) {
                    ObjectNode body = (ObjectNode) JSON.readTree(plain.apply((long) u, s == 1));
                    body.set("fallback", JSON.readTree(fallback));
                    bodies[s][u] = body.toString().getBytes(StandardCharsets.UTF_8);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        String name = "switchyard, " + Math.round(ratio * 100) + "% primary hangs, " + policy;
        return new Target(name, switchyardChatUrl, Map.of(), (n, stream) -> bodies[stream ? 1 : 0][(int) (n % RequestBodies.USERS)]);
    }
}
