package dev.switchyard.testsupport.mock;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** One provider API: validation, planning and rendering of answers and errors. */
abstract class ProtocolHandler {

    static final String[] FILLER = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor "
            + "incididunt ut labore et dolore magna aliqua ut enim ad minim veniam quis nostrud exercitation ullamco "
            + "laboris nisi ut aliquip ex ea commodo consequat").split(" ");
    private static final String[] FILLER_PIECES = new String[FILLER.length];

    static {
        for (int i = 0; i < FILLER.length; i++) {
            FILLER_PIECES[i] = FILLER[i] + " ";
        }
    }

    abstract RecordedRequest.Protocol protocol();

    /** Name of the header carrying the request id in this provider's answers. */
    abstract String requestIdHeader();

    /** Checks a parsed JSON object body like the real provider would; {@code null} if fine. */
    abstract ApiError validate(JsonNode body);

    abstract ApiError notJson(String detail);

    abstract ApiError headerLeak(String header);

    abstract ApiError unknownDirective(List<String> directives);

    /** The error the provider answers with for an injected status. */
    abstract ApiError statusError(int status, String model);

    abstract ApiError contextLength(String model, int promptTokens, int window);

    /** The non-streamed error for an {@code error-after} fault. */
    abstract ApiError midStreamError();

    abstract String errorBody(ApiError e, String requestId);

    abstract Plan plan(JsonNode body, MockBehaviour b, String strippedUserText);

    abstract String streamPrelude(Plan p);

    abstract String streamPiece(Plan p, int i);

    /** Everything after the last piece, up to and including the terminal event. */
    abstract String streamEnd(Plan p, int emitted);

    abstract String streamError(Plan p);

    abstract String fullResponse(Plan p);

    // ---- shared helpers ----

    static List<String> textPieces(String model, MockBehaviour b, int limit) {
        if (b.text() != null) {
            return wordPieces(b.text(), limit);
        }
        int n = Math.min(b.chunks() == null ? 10 : b.chunks(), limit);
        List<String> pieces = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            pieces.add(switch (i) {
                case 0 -> "Hello ";
                case 1 -> "from ";
                case 2 -> model + ". ";
                default -> FILLER_PIECES[(i - 3) % FILLER_PIECES.length];
            });
        }
        return pieces;
    }

    /** One piece per whitespace-separated word, each followed by a space. */
    static List<String> wordPieces(String text, int limit) {
        String t = text.strip();
        if (t.isEmpty() || limit <= 0) {
            return Collections.emptyList();
        }
        String[] words = t.split("\\s+");
        int n = Math.min(words.length, limit);
        List<String> pieces = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            pieces.add(words[i] + " ");
        }
        return pieces;
    }

    /** Splits a string into {@code max(2, min(wanted, len))} fragments of about equal length. */
    static List<String> fragments(String s, int wanted) {
        int n = Math.max(2, Math.min(Math.max(wanted, 2), s.length()));
        List<String> out = new ArrayList<>(n);
        int start = 0;
        for (int i = 1; i <= n; i++) {
            int end = (int) ((long) s.length() * i / n);
            if (end < s.length() && end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) {
                end++;
            }
            if (end > start) {
                out.add(s.substring(start, end));
                start = end;
            }
        }
        if (start < s.length()) {
            out.add(s.substring(start));
        }
        return out;
    }

    static String toolArguments(String query) {
        return "{\"query\":" + Json.quote(query) + "}";
    }

    static boolean isObjectOrMissing(JsonNode n) {
        return n == null || n.isMissingNode() || n.isNull() || n.isObject();
    }

    static String jsonTypeName(JsonNode v) {
        if (v.isTextual()) {
            return "a string";
        }
        if (v.isIntegralNumber()) {
            return "an integer";
        }
        if (v.isNumber()) {
            return "a decimal";
        }
        if (v.isBoolean()) {
            return "a boolean";
        }
        if (v.isArray()) {
            return "an array";
        }
        if (v.isObject()) {
            return "an object";
        }
        return "null";
    }
}
