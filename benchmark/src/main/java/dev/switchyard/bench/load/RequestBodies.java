package dev.switchyard.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.bench.Shape;

import java.nio.charset.StandardCharsets;
import java.util.function.BiFunction;

/**
 * The chat completions bodies of a run, built once: a system message and a user message padded to the shape's
 * prompt size, ending with the mock directives. Requests through Switchyard also carry routing metadata (which the
 * direct mock would reject, as OpenAI does) and a sticky user out of {@link #USERS}.
 */
public final class RequestBodies {
    public static final int USERS = 1000;
    /** Matches the bench router's third route (3 conditions evaluated, then a 50/50 split). */
    public static final String METADATA = "{\"language\":\"en\",\"plan\":\"pro\",\"country\":\"DE\",\"tier\":\"pro\"}";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FILLER = "The quick brown fox jumps over the lazy dog while the router measures "
            + "every hop between the client and the model. ";

    private RequestBodies() {
    }

    /** Bodies naming {@code model}; with {@code routed}, metadata is added. Indexed by request number and stream. */
    public static BiFunction<Long, Boolean, byte[]> of(String model, Shape shape, boolean routed) {
        byte[][][] bodies = new byte[2][USERS][];
        for (int s = 0; s < 2; s++) {
            for (int u = 0; u < USERS; u++) {
                bodies[s][u] = body(model, shape, s == 1, "bench-user-" + u, routed);
            }
        }
        return (n, stream) -> bodies[stream ? 1 : 0][(int) (n % USERS)];
    }

    static byte[] body(String model, Shape shape, boolean stream, String user, boolean routed) {
        ObjectNode root = JSON.createObjectNode();
        root.put("model", model);
        root.put("stream", stream);
        root.put("user", user);
        if (routed) {
            try {
                root.set("metadata", JSON.readTree(METADATA));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        ArrayNode messages = root.putArray("messages");
        messages.addObject().put("role", "system").put("content", "You are a concise assistant.");
        String directives = " " + shape.directives();
        StringBuilder text = new StringBuilder();
        while (text.length() + directives.length() < shape.promptBytes() - 120) {
            text.append(FILLER);
        }
        messages.addObject().put("role", "user").put("content", text + directives);
        return root.toString().getBytes(StandardCharsets.UTF_8);
    }
}
