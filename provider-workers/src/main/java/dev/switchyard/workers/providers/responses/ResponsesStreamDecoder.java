package dev.switchyard.workers.providers.responses;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchyard.events.Usage;
import dev.switchyard.workers.Json;
import dev.switchyard.workers.providers.CallListener;
import dev.switchyard.workers.providers.Delta;
import dev.switchyard.workers.providers.UpstreamFailure;
import dev.switchyard.workers.providers.http.SseEvent;
import dev.switchyard.workers.providers.http.StreamDecoder;
import dev.switchyard.workers.providers.translate.ToolDefinitions;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Decodes a Responses API event stream into deltas: {@code response.output_text.delta} (and refusals) as text,
 * reasoning summary and reasoning text deltas as reasoning, a reasoning item's {@code encrypted_content} as its
 * signature, {@code function_call} items as tool-call fragments indexed 0, 1, ... in the order they start, and
 * {@code custom_tool_call} input as the internal {@code {"input": "..."}} arguments (escaped piece by piece, so they
 * still stream). {@code response.completed} / {@code response.incomplete} end the answer with usage and a finish
 * reason; {@code response.failed} and {@code error} events are the provider failing mid-stream.
 */
public final class ResponsesStreamDecoder implements StreamDecoder {
    /** Tool-call index by output_index. */
    private final Map<Integer, Integer> toolIndex = new HashMap<>();
    private final Set<Integer> customCalls = new HashSet<>();
    private final Set<Integer> argumentsStreamed = new HashSet<>();
    private String modelName;
    private boolean done;

    @Override
    public void onEvent(SseEvent event, CallListener listener) {
        JsonNode data;
        try {
            data = Json.MAPPER.readTree(event.data());
        } catch (Exception e) {
            listener.onError(UpstreamFailure.streamBroken("unreadable event from the Responses API: " + abbreviate(event.data())));
            return;
        }
        String type = data.path("type").asText(event.event() == null ? "" : event.event());
        int output = data.path("output_index").asInt(-1);
        switch (type) {
            case "response.created", "response.in_progress" -> model(data.path("response"), listener);
            case "response.output_item.added" -> itemAdded(data.path("item"), output, listener);
            case "response.output_text.delta", "response.refusal.delta" -> {
                String text = data.path("delta").asText("");
                if (!text.isEmpty()) {
                    listener.onDelta(Delta.text(text));
                }
            }
            case "response.reasoning_summary_text.delta", "response.reasoning_text.delta" -> {
                String text = data.path("delta").asText("");
                if (!text.isEmpty()) {
                    listener.onDelta(Delta.reasoning(text));
                }
            }
            case "response.reasoning_summary_part.added" -> {
                if (data.path("summary_index").asInt(0) > 0) {
                    listener.onDelta(Delta.reasoning("\n\n")); // summary parts read as paragraphs
                }
            }
            case "response.function_call_arguments.delta" -> {
                Integer index = toolIndex.get(output);
                String fragment = data.path("delta").asText("");
                if (index != null && !fragment.isEmpty()) {
                    argumentsStreamed.add(output);
                    listener.onDelta(Delta.toolCall(index, null, null, fragment));
                }
            }
            case "response.custom_tool_call_input.delta" -> {
                Integer index = toolIndex.get(output);
                String fragment = data.path("delta").asText("");
                if (index != null && !fragment.isEmpty()) {
                    argumentsStreamed.add(output);
                    listener.onDelta(Delta.toolCall(index, null, null, escape(fragment)));
                }
            }
            case "response.output_item.done" -> itemDone(data.path("item"), output, listener);
            case "response.completed", "response.incomplete" -> {
                JsonNode response = data.path("response");
                model(response, listener);
                done = true;
                listener.onDelta(new Delta(null, null, null, finishReason(type, response), usage(response.path("usage")), null));
            }
            case "response.failed" -> {
                JsonNode error = data.path("response").path("error");
                listener.onError(failure(Json.text(error, "code"), error.path("message").asText("the response failed")));
            }
            case "error" -> listener.onError(failure(Json.text(data, "code"), data.path("message").asText("error event in the Responses stream")));
            default -> {
                // response.content_part.*, *.done events, annotations, built-in tool progress: nothing to forward
            }
        }
    }

    private void model(JsonNode response, CallListener listener) {
        String model = Json.text(response, "model");
        if (model != null && !model.equals(modelName)) {
            modelName = model;
            listener.onDelta(Delta.model(model));
        }
    }

    private void itemAdded(JsonNode item, int output, CallListener listener) {
        String type = item.path("type").asText("");
        if (type.equals("function_call") || type.equals("custom_tool_call")) {
            int index = toolIndex.size();
            toolIndex.put(output, index);
            boolean custom = type.equals("custom_tool_call");
            if (custom) {
                customCalls.add(output);
            }
            // The custom call's raw input streams inside the internal {"input": "..."} arguments.
            listener.onDelta(Delta.toolCall(index, Json.text(item, "call_id"), Json.text(item, "name"), custom ? "{\"input\":\"" : ""));
        }
    }

    private void itemDone(JsonNode item, int output, CallListener listener) {
        String type = item.path("type").asText("");
        Integer index = toolIndex.get(output);
        switch (type) {
            case "function_call" -> {
                String arguments = Json.text(item, "arguments");
                if (index != null && !argumentsStreamed.contains(output) && arguments != null && !arguments.isEmpty()) {
                    listener.onDelta(Delta.toolCall(index, null, null, arguments));
                }
            }
            case "custom_tool_call" -> {
                if (index != null) {
                    String input = Json.text(item, "input");
                    String rest = !argumentsStreamed.contains(output) && input != null ? escape(input) : "";
                    listener.onDelta(Delta.toolCall(index, null, null, rest + "\"}"));
                }
            }
            case "reasoning" -> {
                String encrypted = Json.text(item, "encrypted_content");
                if (encrypted != null && !encrypted.isEmpty()) {
                    listener.onDelta(Delta.reasoningSignature(encrypted));
                }
            }
            default -> {
                // message items: their text already streamed
            }
        }
    }

    @Override
    public boolean isComplete() {
        return done;
    }

    private String finishReason(String type, JsonNode response) {
        if (type.equals("response.incomplete")) {
            String reason = response.path("incomplete_details").path("reason").asText("");
            return reason.equals("content_filter") ? "content_filter" : "length";
        }
        return toolIndex.isEmpty() ? "stop" : "tool_calls";
    }

    /** The Responses API's usage, normalised: input_tokens includes cached tokens, which are counted apart. */
    static Usage usage(JsonNode u) {
        if (u == null || !u.isObject()) {
            return null;
        }
        long input = u.path("input_tokens").asLong(0);
        long cached = u.path("input_tokens_details").path("cached_tokens").asLong(0);
        return Usage.newBuilder()
                .setInputTokens(Math.max(0, input - cached))
                .setCacheReadTokens(cached)
                .setCacheWriteTokens(0)
                .setOutputTokens(u.path("output_tokens").asLong(0))
                .setReasoningTokens(u.path("output_tokens_details").path("reasoning_tokens").asLong(0))
                .build();
    }

    private static UpstreamFailure failure(String code, String message) {
        int status = code == null ? 500 : switch (code) {
            case "rate_limit_exceeded" -> 429;
            case "invalid_prompt", "invalid_request_error", "context_length_exceeded" -> 400;
            case "server_is_overloaded", "server_error" -> 503;
            default -> 500;
        };
        return UpstreamFailure.http(status, null, code, null, message, null);
    }

    /** A fragment of raw text as the inside of a JSON string (each character escapes on its own, so pieces concatenate). */
    static String escape(String raw) {
        String quoted = ToolDefinitions.customArguments(raw); // {"input":"..."}
        return quoted.substring("{\"input\":\"".length(), quoted.length() - 2);
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
